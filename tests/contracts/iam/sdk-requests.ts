import type { IamRequest } from "./evaluator";
import type { PreviewIam } from "./preview";

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
type Builder = (input: Record<string, string>, preview: PreviewIam) => Request[];

const SECURE = { "aws:SecureTransport": "true" };

/**
 * Step Functions encrypts executions with the state machine's key, using the caller's credentials:
 * StartExecution needs kms:GenerateDataKey, DescribeExecution kms:Decrypt, with the encryption
 * context `aws:states:stateMachineArn`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
function stateMachineKey(preview: PreviewIam, stateMachineArn: string, action: string): Request[] {
  const key = preview.stateMachineKey(stateMachineArn);
  if (!key) return [];
  return [
    {
      action,
      resource: key,
      context: {
        "kms:ViaService": `states.${preview.region}.amazonaws.com`,
        "kms:CallerAccount": preview.account,
        "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn,
      },
    },
  ];
}

/**
 * SSE-KMS with an S3 Bucket Key: S3 calls KMS as the caller with the bucket ARN as encryption context.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 */
function bucketKey(preview: PreviewIam, bucket: string, actions: string[]): Request[] {
  const key = preview.bucketKey(bucket);
  if (!key) return [];
  return actions.map((action) => ({
    action,
    resource: key,
    context: {
      "kms:ViaService": `s3.${preview.region}.amazonaws.com`,
      "kms:CallerAccount": preview.account,
      "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}`,
    },
  }));
}

const executionToMachine = (executionArn: string) =>
  executionArn.replace(":execution:", ":stateMachine:").replace(/:[^:]+$/, "");

const arn = (preview: PreviewIam, service: string, resource: string) =>
  `arn:aws:${service}:${preview.region}:${preview.account}:${resource}`;

const COMMANDS: Record<string, Builder> = {
  "SFN.StartExecution": (i, p) => [
    { action: "states:StartExecution", resource: i.stateMachineArn },
    ...stateMachineKey(p, i.stateMachineArn, "kms:GenerateDataKey"),
  ],
  "SFN.DescribeExecution": (i, p) => [
    { action: "states:DescribeExecution", resource: i.executionArn },
    ...stateMachineKey(p, executionToMachine(i.executionArn), "kms:Decrypt"),
  ],
  "S3.GetObject": (i, p) => [
    { action: "s3:GetObject", resource: `arn:aws:s3:::${i.Bucket}/${i.Key}`, context: SECURE },
    ...bucketKey(p, i.Bucket, ["kms:Decrypt"]),
  ],
  "S3.PutObject": (i, p) => [
    { action: "s3:PutObject", resource: `arn:aws:s3:::${i.Bucket}/${i.Key}`, context: SECURE },
    ...bucketKey(p, i.Bucket, ["kms:GenerateDataKey"]),
  ],
  "S3.ListObjectsV2": (i) => [
    {
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${i.Bucket}`,
      context: { ...SECURE, "s3:prefix": i.Prefix ?? "" },
    },
  ],
  "SageMaker.CreateExperiment": (i, p) => [
    {
      action: "sagemaker:CreateExperiment",
      resource: arn(p, "sagemaker", `experiment/${i.ExperimentName.toLowerCase()}`),
    },
  ],
  "SageMaker.CreateTrial": (i, p) => [
    {
      action: "sagemaker:CreateTrial",
      resource: arn(p, "sagemaker", `experiment-trial/${i.TrialName.toLowerCase()}`),
    },
    {
      action: "sagemaker:CreateTrial",
      resource: arn(p, "sagemaker", `experiment/${i.ExperimentName.toLowerCase()}`),
    },
    // Tags on create are authorized as sagemaker:AddTags on the new resource.
    ...(i.Tags
      ? [
          {
            action: "sagemaker:AddTags",
            resource: arn(p, "sagemaker", `experiment-trial/${i.TrialName.toLowerCase()}`),
          },
        ]
      : []),
  ],
  "SageMaker.DescribeEndpoint": (i, p) => [
    {
      action: "sagemaker:DescribeEndpoint",
      resource: arn(p, "sagemaker", `endpoint/${i.EndpointName.toLowerCase()}`),
    },
  ],
  "SageMaker.ListModelPackages": (_i, p) => [
    // No resource-level permission: the Service Authorization Reference lists no required resource.
    { action: "sagemaker:ListModelPackages", resource: "*", context: { "aws:RequestedRegion": p.region } },
  ],
  "SageMaker.DescribeModelPackage": (i) => [
    { action: "sagemaker:DescribeModelPackage", resource: i.ModelPackageName.toLowerCase() },
  ],
  "SageMakerRuntime.InvokeEndpoint": (i, p) => [
    {
      action: "sagemaker:InvokeEndpoint",
      resource: arn(p, "sagemaker", `endpoint/${i.EndpointName.toLowerCase()}`),
    },
  ],
  "CodePipeline.PutJobSuccessResult": () => [{ action: "codepipeline:PutJobSuccessResult", resource: "*" }],
  "CodePipeline.PutJobFailureResult": () => [{ action: "codepipeline:PutJobFailureResult", resource: "*" }],
  "CodePipeline.StartPipelineExecution": (i, p) => [
    { action: "codepipeline:StartPipelineExecution", resource: arn(p, "codepipeline", i.name) },
  ],
  "CodeCommit.GetDifferences": (i, p) => {
    const repo = arn(p, "codecommit", i.repositoryName);
    const key = p.repositoryKey(repo);
    return [
      { action: "codecommit:GetDifferences", resource: repo },
      ...(key
        ? [
            {
              action: "kms:Decrypt",
              resource: key,
              context: {
                "kms:ViaService": `codecommit.${p.region}.amazonaws.com`,
                "kms:CallerAccount": p.account,
              },
            },
          ]
        : []),
    ];
  },
  "APIGateway.GetApiKey": (i, p) => [
    { action: "apigateway:GET", resource: `arn:aws:apigateway:${p.region}::/apikeys/${i.apiKey}` },
  ],
};

/** The IAM requests a sent command makes, as `principal`; an unknown command is an error to fix here. */
export function requestsFor(principal: string, sent: SentCommand, preview: PreviewIam): IamRequest[] {
  const key = `${sent.service}.${sent.operation}`;
  const build = COMMANDS[key];
  if (!build)
    throw new Error(
      `${key} has no IAM mapping in tests/contracts/iam/sdk-requests.ts; add the action and resource it needs`,
    );
  return build(sent.input as Record<string, string>, preview).map((r) => ({
    principal,
    because: `${key} ${JSON.stringify(sent.input).slice(0, 120)}`,
    ...r,
  }));
}

export const MAPPED_COMMANDS = Object.keys(COMMANDS);
