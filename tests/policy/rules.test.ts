import { strict as assert } from "node:assert";
import type { CapturedResource, OfflineRun } from "../../infra/offline/harness";
import { evaluate, PACKS } from "../../policy/evaluator/evaluate";
import type { Props, Rule } from "../../policy/shared/rule";
import { join } from "node:path";

/** A resource as the harness captures it; wire inputs and state are the same plain JSON here. */
function res(type: string, name: string, props: Props): CapturedResource {
  return {
    urn: `urn:pulumi:prod::mlops::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs: props,
    wire: { inputs: props, state: props },
  };
}

async function violationsOf(rule: Rule, resources: CapturedResource[]) {
  const run: OfflineRun = { project: "mlops", stack: "prod", preview: false, resources, outputs: {} };
  const pack = PACKS.find((p) => p.policies.includes(rule))!;
  const result = await evaluate(run, [{ ...pack, policies: [rule] }]);
  return result.violations.map((v) => v.message);
}

const KEY = "arn:aws:kms:us-west-2:123456789012:key/k";
const clone = <T>(value: T): T => structuredClone(value);
type Case = { compliant: CapturedResource[]; breaks: [string, (r: CapturedResource[]) => void][] };

const endpointConfig = res("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "ec", {
  kmsKeyArn: KEY,
  productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.large", initialInstanceCount: 2 }],
  dataCaptureConfig: { enableCapture: true, initialSamplingPercentage: 20, kmsKeyId: KEY },
});
const endpoint = res("aws:sagemaker/endpoint:Endpoint", "ep", {
  name: "prod-ep",
  deploymentConfig: {
    blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: "CANARY", waitIntervalInSeconds: 300 } },
    autoRollbackConfiguration: { alarms: [{ alarmName: "a" }] },
  },
});
const jobDefinition = res("aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition", "dq", {
  name: "prod-ep-data-quality-job",
  dataQualityJobInput: { endpointInput: { endpointName: "prod-ep" } },
  dataQualityJobOutputConfig: { kmsKeyId: KEY },
  jobResources: { clusterConfig: { volumeKmsKeyId: KEY } },
  networkConfig: { enableInterContainerTrafficEncryption: true },
});
const schedule = res("aws:sagemaker/monitoringSchedule:MonitoringSchedule", "sch", {
  monitoringScheduleConfig: { monitoringJobDefinitionName: "prod-ep-data-quality-job" },
});
const runtimeEndpoint = res("aws:ec2/vpcEndpoint:VpcEndpoint", "vpce", {
  serviceName: "com.amazonaws.us-west-2.sagemaker.runtime",
  vpcEndpointType: "Interface",
  privateDnsEnabled: true,
  policy: JSON.stringify({
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "sagemaker:InvokeEndpoint",
        Resource: ["arn:aws:sagemaker:us-west-2:123456789012:endpoint/prod-ep"],
      },
    ],
  }),
});
const fn = res("aws:lambda/function:Function", "fn", {
  runtime: "nodejs22.x",
  tracingConfig: { mode: "Active" },
  reservedConcurrentExecutions: 5,
  kmsKeyArn: KEY,
  environment: { variables: { ENDPOINT_NAME: "prod-ep" } },
  vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
});
const bucketSet = (extra: Props = {}) => [
  res("aws:s3/bucket:Bucket", "data", { id: "data-bucket", ...extra }),
  res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", {
    bucket: "data-bucket",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }],
  }),
  res("aws:s3/bucketVersioning:BucketVersioning", "ver", {
    bucket: "data-bucket",
    versioningConfiguration: { status: "Enabled" },
  }),
  res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
    bucket: "data-bucket",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  }),
  res("aws:s3/bucketPolicy:BucketPolicy", "pol", {
    bucket: "data-bucket",
    policy: JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
  }),
  res("aws:s3/bucketLogging:BucketLogging", "log", { bucket: "data-bucket", targetBucket: "logs-bucket" }),
];
const without = (type: string) => (r: CapturedResource[]) =>
  r.splice(
    r.findIndex((x) => x.type === type),
    1,
  );
const set = (type: string, path: string[], value: unknown) => (r: CapturedResource[]) => {
  const target = r.find((x) => x.type === type)!;
  let node = target.wire!.inputs as Props;
  for (const key of path.slice(0, -1)) node = node[key];
  // The wire format has no undefined: an unset property is an absent one.
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
};

const EC = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const CROSS_ACCOUNT_KEY_POLICY = {
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: ["kms:PutKeyPolicy", "kms:DescribeKey"],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:root" },
      Action: "kms:Decrypt",
      Resource: "*",
    },
  ],
};
const FN = "aws:lambda/function:Function";
const CASES: Record<string, Case> = {
  "mlops-sagemaker-endpoint-config-kms": {
    compliant: [endpointConfig],
    breaks: [["no kmsKeyArn", set(EC, ["kmsKeyArn"], undefined)]],
  },
  "mlops-sagemaker-endpoint-config-data-capture": {
    compliant: [endpointConfig],
    breaks: [
      ["capture off", set(EC, ["dataCaptureConfig", "enableCapture"], false)],
      ["sampling 5%", set(EC, ["dataCaptureConfig", "initialSamplingPercentage"], 5)],
      ["capture unencrypted", set(EC, ["dataCaptureConfig", "kmsKeyId"], undefined)],
    ],
  },
  "mlops-sagemaker-endpoint-config-instance-types": {
    compliant: [endpointConfig],
    breaks: [["p4d instance", set(EC, ["productionVariants", "0", "instanceType"], "ml.p4d.24xlarge")]],
  },
  "mlops-sagemaker-endpoint-config-min-instances": {
    compliant: [endpointConfig],
    breaks: [["one instance", set(EC, ["productionVariants", "0", "initialInstanceCount"], 1)]],
  },
  "mlops-sagemaker-endpoint-safe-rollout": {
    compliant: [endpoint],
    breaks: [
      ["no blue/green", set("aws:sagemaker/endpoint:Endpoint", ["deploymentConfig"], undefined)],
      [
        "no rollback alarms",
        set(
          "aws:sagemaker/endpoint:Endpoint",
          ["deploymentConfig", "autoRollbackConfiguration", "alarms"],
          [],
        ),
      ],
      [
        "all at once",
        set(
          "aws:sagemaker/endpoint:Endpoint",
          ["deploymentConfig", "blueGreenUpdatePolicy", "trafficRoutingConfiguration", "type"],
          "ALL_AT_ONCE",
        ),
      ],
    ],
  },
  "mlops-sagemaker-model-network-isolation": {
    compliant: [res("aws:sagemaker/model:Model", "m", { enableNetworkIsolation: true })],
    breaks: [["isolation off", set("aws:sagemaker/model:Model", ["enableNetworkIsolation"], false)]],
  },
  "mlops-sagemaker-model-in-vpc": {
    compliant: [
      runtimeEndpoint,
      res("aws:sagemaker/model:Model", "m", {
        vpcConfig: { subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
      }),
    ],
    breaks: [["model outside the VPC", set("aws:sagemaker/model:Model", ["vpcConfig"], undefined)]],
  },
  "mlops-sagemaker-endpoint-monitored": {
    compliant: [endpoint, jobDefinition, schedule],
    breaks: [
      ["no schedule", without("aws:sagemaker/monitoringSchedule:MonitoringSchedule")],
      [
        "job reads another endpoint",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["dataQualityJobInput", "endpointInput", "endpointName"],
          "other",
        ),
      ],
    ],
  },
  "mlops-sagemaker-monitoring-job-encrypted": {
    compliant: [jobDefinition],
    breaks: [
      [
        "output unencrypted",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["dataQualityJobOutputConfig", "kmsKeyId"],
          undefined,
        ),
      ],
      [
        "inter-container traffic in clear",
        set(
          "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
          ["networkConfig", "enableInterContainerTrafficEncryption"],
          false,
        ),
      ],
    ],
  },
  "mlops-sagemaker-model-current-image": {
    compliant: [
      res("aws:sagemaker/model:Model", "m", {
        primaryContainer: { image: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1" },
      }),
    ],
    breaks: [
      [
        "xgboost:1",
        set(
          "aws:sagemaker/model:Model",
          ["primaryContainer", "image"],
          "433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1",
        ),
      ],
    ],
  },
  "mlops-lambda-function-in-vpc": {
    compliant: [runtimeEndpoint, fn],
    breaks: [["caller outside the VPC", set(FN, ["vpcConfig"], undefined)]],
  },
  "mlops-ec2-vpc-endpoint-private-dns": {
    compliant: [runtimeEndpoint],
    breaks: [["private DNS off", set("aws:ec2/vpcEndpoint:VpcEndpoint", ["privateDnsEnabled"], false)]],
  },
  "mlops-ec2-vpc-endpoint-policy-scoped": {
    compliant: [runtimeEndpoint],
    breaks: [
      ["no policy", set("aws:ec2/vpcEndpoint:VpcEndpoint", ["policy"], undefined)],
      [
        "* on *",
        set(
          "aws:ec2/vpcEndpoint:VpcEndpoint",
          ["policy"],
          JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }),
        ),
      ],
    ],
  },
  "mlops-ec2-security-group-no-open-ingress": {
    compliant: [
      res("aws:ec2/securityGroup:SecurityGroup", "sg", { ingress: [{ cidrBlocks: ["10.0.0.0/16"] }] }),
    ],
    breaks: [
      [
        "0.0.0.0/0",
        set("aws:ec2/securityGroup:SecurityGroup", ["ingress", "0", "cidrBlocks"], ["0.0.0.0/0"]),
      ],
      ["::/0", set("aws:ec2/securityGroup:SecurityGroup", ["ingress", "0", "ipv6CidrBlocks"], ["::/0"])],
    ],
  },
  "aws-s3-bucket-kms-encryption": {
    compliant: bucketSet(),
    breaks: [
      [
        "no encryption config",
        without("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
      ],
      [
        "AES256 on a data bucket",
        set(
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          ["rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm"],
          "AES256",
        ),
      ],
    ],
  },
  "aws-s3-bucket-versioning-enabled": {
    compliant: bucketSet(),
    breaks: [
      [
        "suspended",
        set("aws:s3/bucketVersioning:BucketVersioning", ["versioningConfiguration", "status"], "Suspended"),
      ],
    ],
  },
  "aws-s3-bucket-public-access-blocked": {
    compliant: bucketSet(),
    breaks: [
      [
        "public policy allowed",
        set("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ["blockPublicPolicy"], false),
      ],
      ["no block", without("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")],
    ],
  },
  "aws-s3-bucket-tls-only": {
    compliant: bucketSet(),
    breaks: [["no TLS deny", without("aws:s3/bucketPolicy:BucketPolicy")]],
  },
  "aws-s3-bucket-access-logging": {
    compliant: bucketSet(),
    breaks: [["no logging", without("aws:s3/bucketLogging:BucketLogging")]],
  },
  "aws-lambda-function-tracing-active": {
    compliant: [fn],
    breaks: [["pass-through", set(FN, ["tracingConfig", "mode"], "PassThrough")]],
  },
  "aws-lambda-permission-no-public-invoke": {
    compliant: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "events.amazonaws.com",
        sourceArn: "arn:rule",
        function: "f",
      }),
    ],
    breaks: [["anyone", set("aws:lambda/permission:Permission", ["principal"], "*")]],
  },
  "aws-lambda-permission-source-arn": {
    compliant: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "events.amazonaws.com",
        sourceArn: "arn:rule",
        function: "f",
      }),
    ],
    breaks: [["no sourceArn", set("aws:lambda/permission:Permission", ["sourceArn"], undefined)]],
  },
  "aws-lambda-function-supported-runtime": {
    compliant: [fn],
    breaks: [["python3.7", set(FN, ["runtime"], "python3.7")]],
  },
  "aws-lambda-function-concurrency-or-dlq": {
    compliant: [fn],
    breaks: [["neither", set(FN, ["reservedConcurrentExecutions"], undefined)]],
  },
  "aws-lambda-function-environment-kms": {
    compliant: [fn],
    breaks: [["no key", set(FN, ["kmsKeyArn"], undefined)]],
  },
  "aws-apigateway-stage-access-logging": {
    compliant: [
      res("aws:apigateway/stage:Stage", "s", {
        stageName: "prod",
        accessLogSettings: { destinationArn: "arn:logs" },
        xrayTracingEnabled: true,
      }),
    ],
    breaks: [["no access logs", set("aws:apigateway/stage:Stage", ["accessLogSettings"], undefined)]],
  },
  "aws-apigateway-stage-tracing": {
    compliant: [res("aws:apigateway/stage:Stage", "s", { stageName: "prod", xrayTracingEnabled: true })],
    breaks: [["no tracing", set("aws:apigateway/stage:Stage", ["xrayTracingEnabled"], false)]],
  },
  "aws-apigateway-method-settings-cache-encrypted": {
    compliant: [
      res("aws:apigateway/methodSettings:MethodSettings", "ms", { settings: { cacheDataEncrypted: true } }),
    ],
    breaks: [
      [
        "cache in clear",
        set("aws:apigateway/methodSettings:MethodSettings", ["settings", "cacheDataEncrypted"], false),
      ],
    ],
  },
  "aws-apigateway-method-authorization": {
    compliant: [
      res("aws:apigateway/method:Method", "m", {
        httpMethod: "POST",
        authorization: "NONE",
        apiKeyRequired: true,
      }),
    ],
    breaks: [["open method", set("aws:apigateway/method:Method", ["apiKeyRequired"], false)]],
  },
  "aws-sfn-state-machine-logging": {
    compliant: [
      res("aws:sfn/stateMachine:StateMachine", "sm", {
        loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: "arn:logs:*" },
        tracingConfiguration: { enabled: true },
      }),
    ],
    breaks: [
      ["errors only", set("aws:sfn/stateMachine:StateMachine", ["loggingConfiguration", "level"], "ERROR")],
      [
        "no execution data",
        set("aws:sfn/stateMachine:StateMachine", ["loggingConfiguration", "includeExecutionData"], false),
      ],
    ],
  },
  "aws-sfn-state-machine-tracing": {
    compliant: [res("aws:sfn/stateMachine:StateMachine", "sm", { tracingConfiguration: { enabled: true } })],
    breaks: [["off", set("aws:sfn/stateMachine:StateMachine", ["tracingConfiguration", "enabled"], false)]],
  },
  "aws-glue-job-security-configuration": {
    compliant: [res("aws:glue/job:Job", "j", { securityConfiguration: "sec" })],
    breaks: [["none", set("aws:glue/job:Job", ["securityConfiguration"], undefined)]],
  },
  "aws-kms-key-rotation-enabled": {
    compliant: [res("aws:kms/key:Key", "k", { enableKeyRotation: true })],
    breaks: [["no rotation", set("aws:kms/key:Key", ["enableKeyRotation"], false)]],
  },
  "aws-kms-key-no-wildcard-principal": {
    compliant: [
      res("aws:kms/key:Key", "k", {
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:root" },
              Action: "kms:Decrypt",
              Resource: "*",
            },
          ],
        }),
      }),
    ],
    breaks: [
      [
        "everyone",
        set(
          "aws:kms/key:Key",
          ["policy"],
          JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }],
          }),
        ),
      ],
    ],
  },
  "aws-kms-key-cross-account-decrypt-only": {
    compliant: [res("aws:kms/key:Key", "k", { policy: JSON.stringify(CROSS_ACCOUNT_KEY_POLICY) })],
    breaks: [
      [
        "another account may encrypt",
        set(
          "aws:kms/key:Key",
          ["policy"],
          JSON.stringify({
            Statement: [
              ...CROSS_ACCOUNT_KEY_POLICY.Statement,
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::210987654321:root" },
                Action: "kms:Encrypt",
                Resource: "*",
              },
            ],
          }),
        ),
      ],
    ],
  },
  "aws-iam-resource-policy-principals-exact": {
    compliant: [
      res("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "mpg", {
        resourcePolicy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::210987654321:root" },
              Action: "sagemaker:DescribeModelPackage",
              Resource: "*",
            },
          ],
        }),
      }),
    ],
    breaks: [
      [
        "any account",
        set(
          "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
          ["resourcePolicy"],
          JSON.stringify({
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "sagemaker:DescribeModelPackage",
                Resource: "*",
              },
            ],
          }),
        ),
      ],
    ],
  },
  "aws-provider-assume-role-session-name": {
    compliant: [
      res("pulumi:providers:aws", "p", {
        assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::210987654321:role/d", sessionName: "deploy" }]),
      }),
    ],
    breaks: [
      [
        "no session name",
        set(
          "pulumi:providers:aws",
          ["assumeRoles"],
          JSON.stringify([{ roleArn: "arn:aws:iam::210987654321:role/d" }]),
        ),
      ],
    ],
  },
  "aws-cloudwatch-log-group-retention": {
    compliant: [res("aws:cloudwatch/logGroup:LogGroup", "lg", { retentionInDays: 365, kmsKeyId: KEY })],
    breaks: [
      ["forever", set("aws:cloudwatch/logGroup:LogGroup", ["retentionInDays"], undefined)],
      ["a week", set("aws:cloudwatch/logGroup:LogGroup", ["retentionInDays"], 7)],
    ],
  },
  "aws-cloudwatch-log-group-kms": {
    compliant: [res("aws:cloudwatch/logGroup:LogGroup", "lg", { retentionInDays: 365, kmsKeyId: KEY })],
    breaks: [["no key", set("aws:cloudwatch/logGroup:LogGroup", ["kmsKeyId"], undefined)]],
  },
  "aws-codepipeline-pipeline-artifact-store-kms": {
    compliant: [
      res("aws:codepipeline/pipeline:Pipeline", "p", {
        artifactStores: [{ location: "b", encryptionKey: { id: KEY, type: "KMS" } }],
      }),
    ],
    breaks: [
      [
        "no key",
        set("aws:codepipeline/pipeline:Pipeline", ["artifactStores", "0", "encryptionKey"], undefined),
      ],
    ],
  },
  "aws-codebuild-project-kms": {
    compliant: [
      res("aws:codebuild/project:Project", "b", {
        name: "b",
        encryptionKey: KEY,
        environment: { privilegedMode: false },
      }),
    ],
    breaks: [["no key", set("aws:codebuild/project:Project", ["encryptionKey"], undefined)]],
  },
  "aws-codebuild-project-not-privileged": {
    compliant: [
      res("aws:codebuild/project:Project", "b", {
        name: "b",
        encryptionKey: KEY,
        environment: { privilegedMode: false },
      }),
    ],
    breaks: [["privileged", set("aws:codebuild/project:Project", ["environment", "privilegedMode"], true)]],
  },
  "aws-sns-topic-kms": {
    compliant: [res("aws:sns/topic:Topic", "t", { kmsMasterKeyId: KEY })],
    breaks: [["no key", set("aws:sns/topic:Topic", ["kmsMasterKeyId"], undefined)]],
  },
  "aws-sqs-queue-kms": {
    compliant: [res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY })],
    breaks: [["no key", set("aws:sqs/queue:Queue", ["kmsMasterKeyId"], undefined)]],
  },
  "aws-iam-policy-no-wildcard-actions": {
    compliant: [
      res("aws:iam/rolePolicy:RolePolicy", "rp", {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }],
        }),
      }),
    ],
    breaks: [
      [
        "s3:*",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" }] }),
        ),
      ],
      [
        "GetObject on *",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }),
        ),
      ],
    ],
  },
  "aws-iam-role-no-broad-managed-policies": {
    compliant: [res("aws:iam/role:Role", "r", { managedPolicyArns: [] })],
    breaks: [
      [
        "SageMaker full access",
        set(
          "aws:iam/role:Role",
          ["managedPolicyArns"],
          ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"],
        ),
      ],
    ],
  },
  "aws-iam-policy-passrole-scoped": {
    compliant: [
      res("aws:iam/rolePolicy:RolePolicy", "rp", {
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Action: "iam:PassRole",
              Resource: "arn:aws:iam::1:role/r",
              Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
            },
          ],
        }),
      }),
    ],
    breaks: [
      [
        "no condition",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          JSON.stringify({
            Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/r" }],
          }),
        ),
      ],
    ],
  },
};

describe("policy rules: a compliant fixture, and each broken property caught", () => {
  const all = PACKS.flatMap((p) => p.policies);

  it("every rule has fixtures, with metadata (severity, remediation, external ids)", () => {
    assert.deepEqual(
      all.map((r) => r.name).filter((n) => !CASES[n]),
      [],
    );
    assert.ok(all.length >= 40, `${all.length} policies`);
    for (const rule of all) {
      assert.ok(
        rule.meta.remediation.length > 10 && rule.meta.externalIds.length > 0 && rule.severity,
        rule.name,
      );
    }
  });

  for (const rule of PACKS.flatMap((p) => p.policies)) {
    const fixture = CASES[rule.name];
    if (!fixture) continue;
    it(`${rule.name}`, async () => {
      assert.deepEqual(await violationsOf(rule, clone(fixture.compliant)), [], "compliant fixture");
      for (const [what, breakIt] of fixture.breaks) {
        const broken = clone(fixture.compliant);
        breakIt(broken);
        assert.ok((await violationsOf(rule, broken)).length > 0, `not caught: ${what}`);
      }
    });
  }
});

describe("policy/README.md", () => {
  it("is generated from the rules' metadata and up to date (npm run policy:build)", async () => {
    const { readFileSync } = await import("node:fs");
    const { format } = await import("prettier");
    const { policyReadme } = await import("../../policy/readme");
    const committed = readFileSync(join(__dirname, "..", "..", "policy", "README.md"), "utf8");
    assert.equal(committed, await format(policyReadme(), { parser: "markdown", printWidth: 110 }));
  });
});
