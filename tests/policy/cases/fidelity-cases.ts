import { type Case, res, set, setOn, without } from "./fixture-kit";

/**
 * The rules for defects that a review of the program against AWS's API models finds: each
 * compliant fixture mirrors what the program declares, each break the defect its rule catches.
 */

const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/k`;
const TOPIC_ARN = `arn:aws:sns:us-west-2:${ACCOUNT}:alarms`;
const QUEUE_ARN = `arn:aws:sqs:us-west-2:${ACCOUNT}:dead-letters`;
const FN_ARN = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:drift-trigger`;
const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const grant = (service: string, actions: string[]) => ({
  Effect: "Allow",
  Principal: { Service: service },
  Action: actions,
  Resource: "*",
});

const key = res("aws:kms/key:Key", "key", {
  arn: KEY_ARN,
  keyId: "k",
  policy: policy(
    grant("cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]),
    grant("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"]),
    grant("logs.us-west-2.amazonaws.com", [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]),
  ),
});
const alias = res("aws:kms/alias:Alias", "key-alias", {
  name: "alias/mlops",
  arn: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/mlops`,
  targetKeyId: "k",
});
const topic = res("aws:sns/topic:Topic", "alarms", { arn: TOPIC_ARN, kmsMasterKeyId: "alias/mlops" });
const alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "drift-alarm", { alarmActions: [TOPIC_ARN] });
const queue = res("aws:sqs/queue:Queue", "dead-letters", { arn: QUEUE_ARN, kmsMasterKeyId: KEY_ARN });
const target = res("aws:cloudwatch/eventTarget:EventTarget", "drift-target", {
  arn: FN_ARN,
  deadLetterConfig: { arn: QUEUE_ARN },
});
const logGroup = res("aws:cloudwatch/logGroup:LogGroup", "logs", { kmsKeyId: KEY_ARN, retentionInDays: 90 });
const fn = res("aws:lambda/function:Function", "drift-trigger", { name: "drift-trigger", arn: FN_ARN });
const invokeConfig = res(
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  "drift-trigger-async",
  { functionName: "drift-trigger", destinationConfig: { onFailure: { destination: QUEUE_ARN } } },
);
const role = res("aws:iam/rolePolicy:RolePolicy", "runner", {
  policy: policy({
    Effect: "Allow",
    Action: ["sagemaker:CreateTrainingJob", "s3:Get*"],
    Resource: "arn:aws:s3:::b/*",
  }),
});
const stage = res("aws:apigateway/stage:Stage", "api-stage", {
  restApi: "api",
  stageName: "test",
  deployment: "d1",
  variables: { lambdaVersion: "3" },
  canarySettings: { deploymentId: "d1", percentTraffic: 10, stageVariableOverrides: { lambdaVersion: "4" } },
});
const integration = res("aws:apigateway/integration:Integration", "api-integration", {
  restApi: "api",
  uri: `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${FN_ARN}:\${stageVariables.lambdaVersion}/invocations`,
});
const machine = (retry: string[], catchNames: string[] = ["States.ALL"]) =>
  res("aws:sfn/stateMachine:StateMachine", "pipeline", {
    definition: JSON.stringify({
      StartAt: "Train",
      States: {
        Train: {
          Type: "Task",
          Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
          Retry: [{ ErrorEquals: retry, MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: catchNames, Next: "Failed" }],
          Next: "Check",
        },
        Check: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Gate",
              States: {
                Gate: {
                  Type: "Task",
                  Resource: "arn:aws:states:::lambda:invoke",
                  Retry: [{ ErrorEquals: ["Lambda.ServiceException", "EndpointPending"] }],
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
        Failed: { Type: "Fail" },
      },
    }),
  });
const endpoint = (name: string, vpcId = "vpc-1") =>
  res("aws:ec2/vpcEndpoint:VpcEndpoint", name, {
    vpcId,
    serviceName: "com.amazonaws.us-west-2.sagemaker.runtime",
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
  });
const retryOf = (names: string[]) => (r: Parameters<Case["breaks"][0][1]>[0]) =>
  r.splice(0, 1, machine(names));

export const FIDELITY_CASES: Record<string, Case> = {
  "aws-iam-policy-actions-exist": {
    compliant: [role, res("aws:lambda/permission:Permission", "invoke", { action: "lambda:InvokeFunction" })],
    breaks: [
      [
        "a misspelt action",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          policy({ Effect: "Allow", Action: "sagemaker:CreateTrainingJobs", Resource: "*" }),
        ),
        [
          "runner: sagemaker:CreateTrainingJobs is not an IAM action (did you mean sagemaker:CreateTrainingJob?).",
        ],
      ],
      [
        "an unknown service",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          policy({ Effect: "Deny", NotAction: "sagemakr:*", Resource: "*" }),
        ),
        ['runner: sagemakr:*: IAM has no service with the prefix "sagemakr".'],
      ],
      [
        "a wildcard that matches nothing",
        set(
          "aws:iam/rolePolicy:RolePolicy",
          ["policy"],
          policy({ Effect: "Allow", Action: "s3:Fetch*", Resource: "*" }),
        ),
        ["runner: s3:Fetch* matches no s3 action."],
      ],
      [
        "a Lambda permission's action",
        set("aws:lambda/permission:Permission", ["action"], "lambda:InvokeFunctions"),
        ["invoke: lambda:InvokeFunctions is not an IAM action (did you mean lambda:InvokeFunction?)."],
      ],
    ],
  },
  "aws-kms-key-service-principal-grants": {
    compliant: [key, alias, topic, alarm, queue, target, logGroup],
    breaks: [
      [
        "no grant to CloudWatch for the alarm topic",
        set(
          "aws:kms/key:Key",
          ["policy"],
          policy(grant("events.amazonaws.com", ["kms:*"]), grant("logs.amazonaws.com", ["kms:*"])),
        ),
        [
          "Key key encrypts alarms (used by drift-alarm), but its policy does not allow cloudwatch.amazonaws.com kms:GenerateDataKey, kms:Decrypt.",
        ],
      ],
      [
        "EventBridge may decrypt but not generate data keys for the dead-letter queue",
        set(
          "aws:kms/key:Key",
          ["policy"],
          policy(
            grant("cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]),
            grant("events.amazonaws.com", ["kms:Decrypt"]),
            grant("logs.us-west-2.amazonaws.com", ["kms:*"]),
          ),
        ),
        [
          "Key key encrypts dead-letters (used by drift-target), but its policy does not allow events.amazonaws.com kms:GenerateDataKey.",
        ],
      ],
      [
        "no grant to CloudWatch Logs",
        set(
          "aws:kms/key:Key",
          ["policy"],
          policy(
            grant("cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]),
            grant("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]),
          ),
        ),
        [
          "Key key encrypts log group logs, but its policy does not allow logs.<region>.amazonaws.com kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:DescribeKey.",
        ],
      ],
      [
        "the alarm topic on the AWS managed key",
        setOn("alarms", ["kmsMasterKeyId"], "alias/aws/sns"),
        [
          "alarms (used by drift-alarm) is encrypted with the AWS managed key alias/aws/sns, which cloudwatch.amazonaws.com may not use.",
        ],
      ],
    ],
  },
  "aws-lambda-function-async-failure-destination": {
    compliant: [fn, target, invokeConfig],
    breaks: [
      [
        "no on-failure destination",
        without("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"),
        [
          "Function drift-trigger is invoked asynchronously by EventBridge target drift-target and keeps no failed events (no on-failure destination, no dead-letter queue).",
        ],
      ],
      [
        "an invoke config with retries but no destination",
        set(
          "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
          ["destinationConfig"],
          undefined,
        ),
        [
          "Function drift-trigger is invoked asynchronously by EventBridge target drift-target and keeps no failed events (no on-failure destination, no dead-letter queue).",
        ],
      ],
    ],
  },
  "aws-apigateway-stage-canary-distinct-target": {
    compliant: [stage, integration],
    breaks: [
      [
        "the canary overrides nothing",
        set("aws:apigateway/stage:Stage", ["canarySettings", "stageVariableOverrides"], undefined),
        [
          "Stage test's canary reaches the same target as the stable stage: it uses the stable deployment and overrides no stage variable.",
        ],
      ],
      [
        "the canary sets the stable version",
        set("aws:apigateway/stage:Stage", ["canarySettings", "stageVariableOverrides"], {
          lambdaVersion: "3",
        }),
        [
          "Stage test's canary reaches the same target as the stable stage: it uses the stable deployment and overrides no stage variable.",
        ],
      ],
      [
        "the integration does not route by the variable",
        set(
          "aws:apigateway/integration:Integration",
          ["uri"],
          `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${FN_ARN}/invocations`,
        ),
        [
          "Stage test's canary reaches the same target as the stable stage: it changes stageVariables.lambdaVersion, which no integration of the API reads.",
        ],
      ],
    ],
  },
  "aws-sfn-state-machine-error-names": {
    compliant: [machine(["SageMaker.AmazonSageMakerException", "States.Timeout"])],
    breaks: [
      [
        "a SageMaker name Step Functions never raises",
        retryOf(["SageMaker.ThrottlingException"]),
        [
          "pipeline: state Train's Retry matches SageMaker.ThrottlingException, which is not an error SageMaker integrations raise.",
        ],
      ],
      [
        "an unprefixed name on a SageMaker task",
        retryOf(["ResourceLimitExceeded"]),
        [
          "pipeline: state Train's Retry matches ResourceLimitExceeded, which is not an error SageMaker integrations raise.",
        ],
      ],
      [
        "a misspelt States error",
        (r) => r.splice(0, 1, machine(["SageMaker.AmazonSageMakerException"], ["States.All"])),
        ["pipeline: state Train's Catch matches States.All, which is not a States error."],
      ],
      [
        "a Lambda name lambda:invoke never raises, inside a Parallel branch",
        (r) => {
          const definition = JSON.parse(String(r[0].wire!.inputs.definition));
          definition.States.Check.Branches[0].States.Gate.Retry[0].ErrorEquals = [
            "Lambda.ThrottlingException",
          ];
          r[0].wire!.inputs.definition = JSON.stringify(definition);
        },
        [
          "pipeline: state Gate's Retry matches Lambda.ThrottlingException, which is not an error lambda:invoke raises.",
        ],
      ],
    ],
  },
  "aws-ec2-vpc-endpoint-private-dns-unique": {
    compliant: [endpoint("runtime"), endpoint("other-vpc-runtime", "vpc-2")],
    breaks: [
      [
        "a second endpoint for the service in the same VPC",
        (r) => r.push(endpoint("prod-runtime")),
        [
          "VPC vpc-1 already has an interface endpoint with private DNS for com.amazonaws.us-west-2.sagemaker.runtime (runtime); prod-runtime would be refused.",
        ],
      ],
    ],
  },
};
