import type { Props } from "../../../policy/shared/rule";
import { type Case, KEY, res, set, without } from "./fixture-kit";

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

/** The mlops-aws-baseline rules. */
export const AWS_BASELINE_CASES: Record<string, Case> = {
  "aws-s3-bucket-kms-encryption": {
    compliant: bucketSet(),
    breaks: [
      [
        "no encryption config",
        without("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
        ["Bucket data has no default KMS encryption."],
      ],
      [
        "AES256 on a data bucket",
        set(
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          ["rules", "0", "applyServerSideEncryptionByDefault", "sseAlgorithm"],
          "AES256",
        ),
        ["Bucket data has no default KMS encryption."],
      ],
    ],
  },
  "aws-s3-bucket-versioning-enabled": {
    compliant: bucketSet(),
    breaks: [
      [
        "suspended",
        set("aws:s3/bucketVersioning:BucketVersioning", ["versioningConfiguration", "status"], "Suspended"),
        ["Bucket data is not versioned."],
      ],
    ],
  },
  "aws-s3-bucket-public-access-blocked": {
    compliant: bucketSet(),
    breaks: [
      [
        "public policy allowed",
        set("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ["blockPublicPolicy"], false),
        ["Bucket data does not set blockPublicPolicy."],
      ],
      [
        "no block",
        without("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
        [
          "Bucket data does not set blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets.",
        ],
      ],
    ],
  },
  "aws-s3-bucket-tls-only": {
    compliant: bucketSet(),
    breaks: [
      [
        "no TLS deny",
        without("aws:s3/bucketPolicy:BucketPolicy"),
        ["Bucket data accepts requests without TLS."],
      ],
    ],
  },
  "aws-s3-bucket-access-logging": {
    compliant: bucketSet(),
    breaks: [
      ["no logging", without("aws:s3/bucketLogging:BucketLogging"), ["Bucket data has no access logging."]],
    ],
  },
  "aws-lambda-function-tracing-active": {
    compliant: [fn],
    breaks: [
      ["pass-through", set(FN, ["tracingConfig", "mode"], "PassThrough"), ["X-Ray tracing is not active."]],
    ],
  },
  "aws-lambda-permission-no-public-invoke": {
    compliant: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "events.amazonaws.com",
        sourceArn: "arn:rule",
        function: "f",
      }),
    ],
    breaks: [
      [
        "anyone",
        set("aws:lambda/permission:Permission", ["principal"], "*"),
        ["Function f may be invoked by anyone."],
      ],
    ],
  },
  "aws-lambda-permission-source-arn": {
    compliant: [
      res("aws:lambda/permission:Permission", "p", {
        principal: "events.amazonaws.com",
        sourceArn: "arn:rule",
        function: "f",
      }),
    ],
    breaks: [
      [
        "no sourceArn",
        set("aws:lambda/permission:Permission", ["sourceArn"], undefined),
        ["events.amazonaws.com may invoke f on behalf of any resource (no sourceArn)."],
      ],
    ],
  },
  "aws-lambda-function-supported-runtime": {
    compliant: [fn],
    breaks: [
      [
        "python3.7",
        set(FN, ["runtime"], "python3.7"),
        [
          "Runtime python3.7 is not supported; use one of nodejs20.x, nodejs22.x, nodejs24.x, python3.11, python3.12, python3.13.",
        ],
      ],
    ],
  },
  "aws-lambda-function-concurrency-or-dlq": {
    compliant: [fn],
    breaks: [
      [
        "neither",
        set(FN, ["reservedConcurrentExecutions"], undefined),
        ["The function has neither a concurrency cap nor a dead-letter queue."],
      ],
    ],
  },
  "aws-lambda-function-environment-kms": {
    compliant: [fn],
    breaks: [
      [
        "no key",
        set(FN, ["kmsKeyArn"], undefined),
        ["Environment variables are not encrypted with a customer key."],
      ],
    ],
  },
  "aws-apigateway-stage-access-logging": {
    compliant: [
      res("aws:apigateway/stage:Stage", "s", {
        stageName: "prod",
        accessLogSettings: { destinationArn: "arn:logs" },
        xrayTracingEnabled: true,
      }),
    ],
    breaks: [
      [
        "no access logs",
        set("aws:apigateway/stage:Stage", ["accessLogSettings"], undefined),
        ["Stage prod writes no access logs."],
      ],
    ],
  },
  "aws-apigateway-stage-tracing": {
    compliant: [res("aws:apigateway/stage:Stage", "s", { stageName: "prod", xrayTracingEnabled: true })],
    breaks: [
      [
        "no tracing",
        set("aws:apigateway/stage:Stage", ["xrayTracingEnabled"], false),
        ["Stage prod is not traced."],
      ],
    ],
  },
  "aws-apigateway-method-settings-cache-encrypted": {
    compliant: [
      res("aws:apigateway/methodSettings:MethodSettings", "ms", { settings: { cacheDataEncrypted: true } }),
    ],
    breaks: [
      [
        "cache in clear",
        set("aws:apigateway/methodSettings:MethodSettings", ["settings", "cacheDataEncrypted"], false),
        ["Cached API responses would not be encrypted."],
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
    breaks: [
      [
        "open method",
        set("aws:apigateway/method:Method", ["apiKeyRequired"], false),
        ["POST is open to anyone: no authorization and no API key."],
      ],
    ],
  },
  "aws-sfn-state-machine-logging": {
    compliant: [
      res("aws:sfn/stateMachine:StateMachine", "sm", {
        loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: "arn:logs:*" },
        tracingConfiguration: { enabled: true },
      }),
    ],
    breaks: [
      [
        "errors only",
        set("aws:sfn/stateMachine:StateMachine", ["loggingConfiguration", "level"], "ERROR"),
        ["The state machine does not log all events with execution data."],
      ],
      [
        "no execution data",
        set("aws:sfn/stateMachine:StateMachine", ["loggingConfiguration", "includeExecutionData"], false),
        ["The state machine does not log all events with execution data."],
      ],
    ],
  },
  "aws-sfn-state-machine-tracing": {
    compliant: [res("aws:sfn/stateMachine:StateMachine", "sm", { tracingConfiguration: { enabled: true } })],
    breaks: [
      [
        "off",
        set("aws:sfn/stateMachine:StateMachine", ["tracingConfiguration", "enabled"], false),
        ["The state machine is not traced."],
      ],
    ],
  },
  "aws-glue-job-security-configuration": {
    compliant: [res("aws:glue/job:Job", "j", { securityConfiguration: "sec" })],
    breaks: [
      [
        "none",
        set("aws:glue/job:Job", ["securityConfiguration"], undefined),
        ["The Glue job has no security configuration."],
      ],
    ],
  },
  "aws-kms-key-rotation-enabled": {
    compliant: [res("aws:kms/key:Key", "k", { enableKeyRotation: true })],
    breaks: [["no rotation", set("aws:kms/key:Key", ["enableKeyRotation"], false), ["Key rotation is off."]]],
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
        ["The key policy allows every principal."],
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
        ["Account 210987654321 may kms:Encrypt with this key; other accounts may only decrypt."],
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
        ["mpg: the policy allows any principal of any account."],
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
        ["The provider assumes arn:aws:iam::210987654321:role/d without a session name."],
      ],
    ],
  },
  "aws-cloudwatch-log-group-retention": {
    compliant: [res("aws:cloudwatch/logGroup:LogGroup", "lg", { retentionInDays: 365, kmsKeyId: KEY })],
    breaks: [
      [
        "forever",
        set("aws:cloudwatch/logGroup:LogGroup", ["retentionInDays"], undefined),
        ["The log group keeps logs forever."],
      ],
      [
        "a week",
        set("aws:cloudwatch/logGroup:LogGroup", ["retentionInDays"], 7),
        ["Logs are kept 7 days; at least 30 are required."],
      ],
    ],
  },
  "aws-cloudwatch-log-group-kms": {
    compliant: [res("aws:cloudwatch/logGroup:LogGroup", "lg", { retentionInDays: 365, kmsKeyId: KEY })],
    breaks: [
      [
        "no key",
        set("aws:cloudwatch/logGroup:LogGroup", ["kmsKeyId"], undefined),
        ["The log group is not encrypted with a customer key."],
      ],
    ],
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
        ["Artifact store b is not encrypted with a customer key."],
      ],
    ],
  },
  "aws-codepipeline-source-connection-local": {
    compliant: [
      res("aws:codepipeline/pipeline:Pipeline", "p", {
        roleArn: "arn:aws:iam::123456789012:role/pipeline",
        artifactStores: [{ location: "b", encryptionKey: { id: KEY, type: "KMS" } }],
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Source",
                provider: "CodeStarSourceConnection",
                configuration: {
                  ConnectionArn:
                    "arn:aws:codeconnections:us-west-2:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab",
                },
              },
            ],
          },
        ],
      }),
    ],
    breaks: [
      [
        "a connection in another account",
        set(
          "aws:codepipeline/pipeline:Pipeline",
          ["stages", "0", "actions", "0", "configuration", "ConnectionArn"],
          "arn:aws:codeconnections:us-west-2:210987654321:connection/0123abcd-0123-4567-89ab-0123456789ab",
        ),
        ["Action Source: the connection is in account 210987654321, the pipeline in 123456789012."],
      ],
      [
        "a connection in another region",
        set(
          "aws:codepipeline/pipeline:Pipeline",
          ["stages", "0", "actions", "0", "configuration", "ConnectionArn"],
          "arn:aws:codeconnections:eu-west-1:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab",
        ),
        ["Action Source: the connection is in eu-west-1, the pipeline in us-west-2."],
      ],
      [
        "not a connection",
        set(
          "aws:codepipeline/pipeline:Pipeline",
          ["stages", "0", "actions", "0", "configuration", "ConnectionArn"],
          "arn:aws:codecommit:us-west-2:123456789012:repo",
        ),
        [
          "Action Source: ConnectionArn arn:aws:codecommit:us-west-2:123456789012:repo is not a connection ARN.",
        ],
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
    breaks: [
      [
        "no key",
        set("aws:codebuild/project:Project", ["encryptionKey"], undefined),
        ["The build project does not use a customer key."],
      ],
    ],
  },
  "aws-codebuild-project-not-privileged": {
    compliant: [
      res("aws:codebuild/project:Project", "b", {
        name: "b",
        encryptionKey: KEY,
        environment: { privilegedMode: false },
      }),
    ],
    breaks: [
      [
        "privileged",
        set("aws:codebuild/project:Project", ["environment", "privilegedMode"], true),
        ["Project b runs privileged."],
      ],
    ],
  },
  "aws-sns-topic-kms": {
    compliant: [res("aws:sns/topic:Topic", "t", { kmsMasterKeyId: KEY })],
    breaks: [
      [
        "no key",
        set("aws:sns/topic:Topic", ["kmsMasterKeyId"], undefined),
        ["The topic's messages are not encrypted with KMS."],
      ],
    ],
  },
  "aws-sqs-queue-kms": {
    compliant: [res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY })],
    breaks: [
      [
        "no key",
        set("aws:sqs/queue:Queue", ["kmsMasterKeyId"], undefined),
        ["The queue's messages are not encrypted."],
      ],
    ],
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
        ["rp allows s3:*."],
      ],
      [
        "GetObject on *",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }),
        ),
        ["rp allows s3:GetObject on every resource."],
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
        ["r attaches arn:aws:iam::aws:policy/AmazonSageMakerFullAccess."],
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
        ["iam:PassRole without an iam:PassedToService condition"],
      ],
    ],
  },
};
