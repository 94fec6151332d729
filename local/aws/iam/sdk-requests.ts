import type { IamRequest } from "./evaluator";
import type { StackIam } from "./stack-iam";

/**
 * The authorizations an AWS SDK call needs: the API action on its resource (per the Service
 * Authorization Reference, whose catalogue the evaluator checks the action and ARN against), and the
 * KMS calls the service makes with the caller's credentials when the resource is encrypted with a
 * customer-managed key.
 */

export interface SentCommand {
  /** The SDK client's service (`SFN`, `S3`, `SageMaker`, ...), from the client class name. */
  service: string;
  /** The command's operation (`StartExecution`). */
  operation: string;
  input: Record<string, unknown>;
}

type Request = Omit<IamRequest, "principal" | "because">;
type Builder = (input: Record<string, string>, stack: StackIam) => Request[];

const SECURE = { "aws:SecureTransport": "true" };

/**
 * Step Functions encrypts executions with the state machine's key, using the caller's credentials:
 * StartExecution needs kms:GenerateDataKey, DescribeExecution kms:Decrypt, with the encryption
 * context `aws:states:stateMachineArn`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
function stateMachineKey(stack: StackIam, stateMachineArn: string, action: string): Request[] {
  const key = stack.stateMachineKey(stateMachineArn);
  if (!key) return [];
  return [
    {
      action,
      resource: key,
      context: {
        "kms:ViaService": `states.${stack.region}.amazonaws.com`,
        "kms:CallerAccount": stack.account,
        "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn,
      },
    },
  ];
}

/**
 * SSE-KMS with an S3 Bucket Key: S3 calls KMS as the caller with the bucket ARN as encryption context.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 */
function bucketKey(stack: StackIam, bucket: string, actions: string[]): Request[] {
  const key = stack.bucketKey(bucket);
  if (!key) return [];
  return actions.map((action) => ({
    action,
    resource: key,
    context: {
      "kms:ViaService": `s3.${stack.region}.amazonaws.com`,
      "kms:CallerAccount": stack.account,
      "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}`,
    },
  }));
}

const executionToMachine = (executionArn: string) =>
  executionArn.replace(":execution:", ":stateMachine:").replace(/:[^:]+$/, "");

const arn = (stack: StackIam, service: string, resource: string) =>
  `arn:aws:${service}:${stack.region}:${stack.account}:${resource}`;

const COMMANDS: Record<string, Builder> = {
  "SFN.StartExecution": (input, stack) => [
    { action: "states:StartExecution", resource: input.stateMachineArn },
    ...stateMachineKey(stack, input.stateMachineArn, "kms:GenerateDataKey"),
  ],
  "SFN.DescribeExecution": (input, stack) => [
    { action: "states:DescribeExecution", resource: input.executionArn },
    ...stateMachineKey(stack, executionToMachine(input.executionArn), "kms:Decrypt"),
  ],
  "S3.GetObject": (input, stack) => [
    { action: "s3:GetObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}`, context: SECURE },
    ...bucketKey(stack, input.Bucket, ["kms:Decrypt"]),
  ],
  "S3.PutObject": (input, stack) => [
    { action: "s3:PutObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}`, context: SECURE },
    ...bucketKey(stack, input.Bucket, ["kms:GenerateDataKey"]),
  ],
  "S3.ListObjectsV2": (input) => [
    {
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${input.Bucket}`,
      context: { ...SECURE, "s3:prefix": input.Prefix ?? "" },
    },
  ],
  "SageMaker.CreateExperiment": (input, stack) => [
    {
      action: "sagemaker:CreateExperiment",
      resource: arn(stack, "sagemaker", `experiment/${input.ExperimentName.toLowerCase()}`),
    },
  ],
  "SageMaker.CreateTrial": (input, stack) => [
    {
      action: "sagemaker:CreateTrial",
      resource: arn(stack, "sagemaker", `experiment-trial/${input.TrialName.toLowerCase()}`),
    },
    {
      action: "sagemaker:CreateTrial",
      resource: arn(stack, "sagemaker", `experiment/${input.ExperimentName.toLowerCase()}`),
    },
    // Tags on create are authorized as sagemaker:AddTags on the new resource.
    ...(input.Tags
      ? [
          {
            action: "sagemaker:AddTags",
            resource: arn(stack, "sagemaker", `experiment-trial/${input.TrialName.toLowerCase()}`),
          },
        ]
      : []),
  ],
  "SageMaker.DescribeEndpoint": (input, stack) => [
    {
      action: "sagemaker:DescribeEndpoint",
      resource: arn(stack, "sagemaker", `endpoint/${input.EndpointName.toLowerCase()}`),
    },
  ],
  "SageMaker.ListModelPackages": (_input, stack) => [
    // No resource-level permission: the Service Authorization Reference lists no required resource.
    {
      action: "sagemaker:ListModelPackages",
      resource: "*",
      context: { "aws:RequestedRegion": stack.region },
    },
  ],
  "SageMaker.DescribeModelPackage": (input) => [
    { action: "sagemaker:DescribeModelPackage", resource: input.ModelPackageName.toLowerCase() },
  ],
  "SageMakerRuntime.InvokeEndpoint": (input, stack) => [
    {
      action: "sagemaker:InvokeEndpoint",
      resource: arn(stack, "sagemaker", `endpoint/${input.EndpointName.toLowerCase()}`),
    },
  ],
  "CodePipeline.PutJobSuccessResult": () => [{ action: "codepipeline:PutJobSuccessResult", resource: "*" }],
  "CodePipeline.PutJobFailureResult": () => [{ action: "codepipeline:PutJobFailureResult", resource: "*" }],
  "CodePipeline.StartPipelineExecution": (input, stack) => [
    { action: "codepipeline:StartPipelineExecution", resource: arn(stack, "codepipeline", input.name) },
  ],
  "CodeCommit.GetDifferences": (input, stack) => {
    const repo = arn(stack, "codecommit", input.repositoryName);
    const key = stack.repositoryKey(repo);
    return [
      { action: "codecommit:GetDifferences", resource: repo },
      ...(key
        ? [
            {
              action: "kms:Decrypt",
              resource: key,
              context: {
                "kms:ViaService": `codecommit.${stack.region}.amazonaws.com`,
                "kms:CallerAccount": stack.account,
              },
            },
          ]
        : []),
    ];
  },
  "APIGateway.GetApiKey": (input, stack) => [
    { action: "apigateway:GET", resource: `arn:aws:apigateway:${stack.region}::/apikeys/${input.apiKey}` },
  ],
};

/** The call's text members, for messages (a body of megabytes is left out). */
function summary(input: Record<string, unknown>): string {
  const texts = Object.entries(input).filter(([, value]) => typeof value === "string" && value.length < 300);
  return JSON.stringify(Object.fromEntries(texts)).slice(0, 120);
}

/** The IAM requests a sent command makes, as `principal`; an unknown command is an error to fix here. */
export function requestsFor(principal: string, sent: SentCommand, stack: StackIam): IamRequest[] {
  const key = `${sent.service}.${sent.operation}`;
  const build = COMMANDS[key];
  if (!build)
    throw new Error(
      `${key} has no IAM mapping in local/aws/iam/sdk-requests.ts; add the action and resource it needs`,
    );
  return build(sent.input as Record<string, string>, stack).map((r) => ({
    principal,
    because: `${key} ${summary(sent.input)}`,
    ...r,
  }));
}

export const MAPPED_COMMANDS = Object.keys(COMMANDS);
