/**
 * What the local stand-ins do where AWS's behaviour is more than its API models say, one row per
 * behaviour, each with the page AWS documents it on (or, where AWS documents no message, the
 * message AWS is seen to send, marked `observed`). Stand-ins import the row they implement, and
 * tests/aws/behaviour.test.ts has a test for every row.
 */

export interface Behaviour {
  service: string;
  /** What AWS does, in one sentence. */
  rule: string;
  /** The AWS documentation page. */
  source: string;
  /** The sentence on that page that says so. */
  quote: string;
  /** What AWS is seen to send where the page gives no exact text (GitHub issues, AWS's own tools). */
  observed?: string;
}

export const BEHAVIOURS = {
  s3MissingKey: {
    service: "s3",
    rule: "GetObject or HeadObject of a missing key answers 404 NoSuchKey to a caller allowed s3:ListBucket on the bucket, and 403 AccessDenied to any other",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html",
    quote:
      "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don’t have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error.",
  },
  s3HeadObject: {
    service: "s3",
    rule: "HeadObject is authorized as s3:GetObject and its error answers have no body",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html",
    quote:
      "To use HEAD, you must have the s3:GetObject permission. … if the HEAD request generates an error, it returns a generic code, such as 400 Bad Request, 403 Forbidden, 404 Not Found",
  },
  s3AccessDeniedMessage: {
    service: "s3",
    rule: "a denied request is 403 AccessDenied naming the caller, the action and the quoted resource ARN, and which kind of policy refused",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html",
    quote:
      'Most access denied error messages appear in the format User user-arn is not authorized to perform action on "resource-arn" because context',
  },
  codePipelineVariables: {
    service: "codepipeline",
    rule: "StartPipelineExecution overrides the variables a V2 pipeline declares (1-50, names [A-Za-z0-9@\\-_]+, values 1-1,000 characters); the rest take their declared defaults",
    source: "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html",
    quote:
      "A list that overrides pipeline variables for a pipeline execution that's being started. Variable names must match [A-Za-z0-9@\\-_]+, and the values can be anything except an empty string.",
    observed:
      "Pipeline-level variables are V2-only (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipeline-types-planning.html); AWS documents no message for an undeclared variable or a V1 pipeline, so the stand-in's wording is its own",
  },
  apiGatewayLoggingRole: {
    service: "apigateway",
    rule: "a stage's access logs or execution logging are refused until the account names a CloudWatch Logs role in that region; one setting per account and region",
    source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    quote:
      "set the IAM role ARN on the cloudWatchRoleArn property on your Account. You must set the cloudWatchRoleArn property separately for each AWS Region in which you want to enable CloudWatch Logs.",
    observed:
      "BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable logging (CreateStage/UpdateStage; Miserlou/Zappa#1946)",
  },
} as const satisfies Record<string, Behaviour>;

export type BehaviourId = keyof typeof BEHAVIOURS;

/** S3's status for a missing key, by whether the caller may list the bucket (s3MissingKey). */
export const S3_MISSING_KEY = { withList: 404, withoutList: 403 } as const;
