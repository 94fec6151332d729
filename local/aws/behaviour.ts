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
  codePipelineSourceRevisions: {
    service: "codepipeline",
    rule: "StartPipelineExecution's sourceRevisions (V2 only) override a source action's revision with a type its provider has: COMMIT_ID for repositories, IMAGE_DIGEST for ECR, S3 object versions or keys (keys only with AllowOverrideForS3ObjectKey)",
    source:
      "https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-overrides.html",
    quote:
      "For the COMMIT_ID and IMAGE_DIGEST types of source revisions, the source revision ID applies to all content in the repository, across all branches. … For S3_OBJECT_KEY, the configuration parameter AllowOverrideForS3ObjectKey needs to be set to true.",
    observed:
      "Source revision overrides are V2-only (pipeline-types-planning.html); AWS documents no message for a wrong action or type, so the stand-in's wording is its own",
  },
  sageMakerCreateExisting: {
    service: "sagemaker",
    rule: "creating a model, endpoint configuration or endpoint whose name exists (case-insensitively) is a ValidationException naming its ARN",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html",
    quote:
      "The endpoint name must be unique within an Amazon Web Services Region in your Amazon Web Services account.",
    observed:
      'ValidationException: Cannot create already existing endpoint "arn:aws:sagemaker:…:endpoint/<name>". (aws/sagemaker-python-sdk#101)',
  },
  sageMakerNotFound: {
    service: "sagemaker",
    rule: "a missing endpoint, endpoint configuration or model is a 400 ValidationException (Could not find …), not a 404",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/CommonErrors.html",
    quote:
      "ValidationException The input fails to satisfy the constraints specified by an AWS service. HTTP Status Code: 400",
    observed:
      'Could not find endpoint "<arn>". / Could not find endpoint configuration "<arn>". / Could not find model "<arn>". (aws/amazon-sagemaker-operator-for-k8s, clientwrapper)',
  },
  sageMakerUpdateInProgress: {
    service: "sagemaker",
    rule: "an endpoint that is Creating, Updating, SystemUpdating or RollingBack cannot be updated or deleted until SageMaker is done",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html",
    quote:
      "SystemUpdating: Endpoint is undergoing maintenance and cannot be updated or deleted or re-scaled until it has completed.",
    observed:
      'ValidationException: Cannot update in-progress endpoint "<arn>". (aws/amazon-sagemaker-operator-for-k8s, DeleteEndpointInProgressMessagePrefix)',
  },
  sageMakerEndpointStatus: {
    service: "sagemaker",
    rule: "a failed creation leaves the endpoint Failed, on which only DeleteEndpoint works; a failed update leaves it InService on its previous configuration with FailureReason set; a failed update whose rollback fails leaves it UpdateRollbackFailed, serving a mix",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html",
    quote:
      "Failed: Endpoint could not be created, updated, or re-scaled. … DeleteEndpoint is the only operation that can be performed on a failed endpoint. UpdateRollbackFailed: Both the rolling deployment and auto-rollback failed. Your endpoint is in service with a mix of the old and new endpoint configurations.",
    observed:
      "A failed UpdateEndpoint returns an InService endpoint to InService with FailureReason set (hashicorp/terraform-provider-aws#39099)",
  },
  sageMakerEndpointKindChange: {
    service: "sagemaker",
    rule: "UpdateEndpoint from instances to a serverless configuration is refused; serverless to instances is allowed",
    source: "https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html",
    quote:
      "You cannot convert your instance-based, real-time endpoint to a serverless endpoint. If you try to update your real-time endpoint to serverless, you receive a ValidationError message. You can convert a serverless endpoint to real-time",
  },
  sageMakerDeleteInUseConfig: {
    service: "sagemaker",
    rule: "DeleteEndpointConfig succeeds for a configuration an endpoint uses: the endpoint keeps serving, and nothing can update to that configuration again",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteEndpointConfig.html",
    quote:
      "The DeleteEndpointConfig API deletes only the specified configuration. It does not delete endpoints created using the configuration.",
  },
  sageMakerTagOnCreate: {
    service: "sagemaker",
    rule: "tags sent with a Create call are authorized as sagemaker:AddTags on the new resource, besides the Create action",
    source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
    quote:
      "CreateEndpoint … Condition keys aws:RequestTag/${TagKey} aws:TagKeys (and likewise for CreateModel, CreateEndpointConfig, CreateTrainingJob)",
    observed:
      "is not authorized to perform: sagemaker:AddTags on resource … (aws-samples/sagemaker-custom-project-templates#41); Step Functions' .sync jobs tag the job, so the state machine role needs sagemaker:AddTags (aws/aws-cdk#26012)",
  },
  sageMakerBlueGreen: {
    service: "sagemaker",
    rule: "a blue/green update's canary is at most 50% and a linear step 10-50% of the variant's capacity, and its timeout exceeds all its waits",
    source: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html",
    quote:
      "LinearStepSize … Value must be 10-50% of the variant's total instance count. … CanarySize … Value must be less than or equal to 50% of the variant's total instance count.",
  },
  sageMakerRollbackAlarms: {
    service: "sagemaker",
    rule: "SageMaker reads a deployment's auto-rollback alarms with the models' execution role, which must be allowed cloudwatch:DescribeAlarms on them",
    source: "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html",
    quote:
      "Ensure that your IAM execution role has permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify.",
  },
  tuningBestTrainingJob: {
    service: "states",
    rule: "a createHyperParameterTuningJob.sync Task returns the completed job's DescribeHyperParameterTuningJob response, whose BestTrainingJob names the winning training job",
    source:
      "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html",
    quote:
      "BestTrainingJob: A TrainingJobSummary object that describes the training job that completed with the best current HyperParameterTuningJobObjective.",
    observed:
      "The Step Functions guide says only that the API supports .sync; its tuning sample reads the result's best training job name, as this project does",
  },
  stepFunctionsErrorNames: {
    service: "states",
    rule: "a service error reaches the state machine as <Service>.<ErrorName>: an optimized SageMaker Task's unmodelled errors as SageMaker.AmazonSageMakerException, an SDK integration's as its base exception",
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
    quote:
      "If an AWS SDK integration encounters an error, the resulting Error field will be composed of the service name and the error name, separated by a period character",
    observed:
      'The optimized SageMaker sample retries "SageMaker.AmazonSageMakerException" (connect-sagemaker.html); causes end "(Service: AmazonSageMaker; Status Code: 400; Error Code: …)"',
  },
  iamCrossAccount: {
    service: "iam",
    rule: "a request to a resource of another account needs both the caller's identity policy and the resource's policy (a key policy, bucket policy) to allow it; within one account either is enough",
    source:
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
    quote:
      "To allow cross-account access, you attach a resource-based policy to the resource that you want to share. You must also attach an identity-based policy to the identity that acts as the principal in the request.",
  },
  kmsCrossAccount: {
    service: "kms",
    rule: "a principal of another account uses a key only when the key policy allows it (or its account) and its own identity policy allows the action on the key's ARN",
    source:
      "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
    quote:
      "Cross-account access requires permission in the key policy of the KMS key and in an IAM policy in the external user's account.",
  },
  eventBridgeCrossAccount: {
    service: "events",
    rule: "a rule delivers to another account's event bus only through a role of the sender allowed events:PutEvents on that bus, which the bus's policy must let in; such a target transforms nothing",
    source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html",
    quote:
      "If another Amazon Web Services account is in the same region and has granted you permission (using PutPermission), you can send events to that account. … Input, InputPath, and InputTransformer are not available with PutTarget if the target is an event bus of a different Amazon Web Services account.",
    observed:
      'The EventBridge guide: "We recommend always using IAM roles when the target of a rule is an event bus" (eb-event-bus-perms.html)',
  },
} as const satisfies Record<string, Behaviour>;

export type BehaviourId = keyof typeof BEHAVIOURS;

/** S3's status for a missing key, by whether the caller may list the bucket (s3MissingKey). */
export const S3_MISSING_KEY = { withList: 404, withoutList: 403 } as const;
