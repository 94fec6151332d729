/**
 * What the production account's deployment role may do: exactly the API calls the AWS provider makes
 * to create, read, update and delete the resource types the prod stack declares, on this project's
 * resources. Grouped by resource type so a test can hold the table to the stack: every type the prod
 * stack declares has an entry, and every action exists in the IAM action catalogue.
 */

export interface DeployScope {
  readonly partition: string;
  readonly region: string;
  /** The production account. */
  readonly account: string;
  /** The pipeline account, whose model packages production deploys. */
  readonly pipelineAccount: string;
  /** Name prefix of this project's resources (`mlops`). */
  readonly prefix: string;
}

export interface DeployGrant {
  /** Actions authorized on a resource, limited to `resources`. */
  readonly actions: readonly string[];
  readonly resources: (scope: DeployScope) => string[];
  /** Actions IAM authorizes on no resource at all (creating a key, listing): granted on `*`. */
  readonly unscoped?: readonly string[];
  /** A condition the scoped actions are granted under. */
  readonly condition?: (scope: DeployScope) => Record<string, Record<string, string | string[]>>;
}

const inAccount = (service: string, resource: string) => (s: DeployScope) => [
  `arn:${s.partition}:${service}:${s.region}:${s.account}:${resource}`,
];
const projectRoles = (s: DeployScope) => [`arn:${s.partition}:iam::${s.account}:role/${s.prefix}-*`];
const projectBuckets = (s: DeployScope) => [`arn:${s.partition}:s3:::${s.prefix}-*`];

const BUCKET: DeployGrant = {
  actions: [
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketTagging",
    "s3:PutBucketTagging",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetReplicationConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketNotification",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:GetBucketVersioning",
    "s3:PutBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:GetBucketLogging",
    "s3:PutBucketLogging",
    "s3:GetBucketOwnershipControls",
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
  ],
  resources: projectBuckets,
};

const API_GATEWAY: DeployGrant = {
  actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
  resources: (s) =>
    [
      "/restapis",
      "/restapis/*",
      "/apikeys",
      "/apikeys/*",
      "/usageplans",
      "/usageplans/*",
      "/tags/*",
      // The account's CloudWatch Logs role, which the prod API's logging needs (apigateway/account).
      "/account",
    ].map((path) => `arn:${s.partition}:apigateway:${s.region}::${path}`),
};

/**
 * SageMaker authorizes tags sent with a Create call as sagemaker:AddTags on the new resource, and the
 * provider lists them after every create, read and update and changes them with AddTags and
 * DeleteTags (provider-calls/sagemaker.ts).
 */
const SAGEMAKER_TAGS = ["sagemaker:AddTags", "sagemaker:ListTags", "sagemaker:DeleteTags"];

/** By the provider's resource type token. */
/** Dead-letter queues of production's rules (the drift alarm's forwarding). */
const QUEUE: DeployGrant = {
  actions: [
    "sqs:CreateQueue",
    "sqs:GetQueueAttributes",
    "sqs:SetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:DeleteQueue",
    "sqs:TagQueue",
    "sqs:UntagQueue",
    "sqs:ListQueueTags",
  ],
  resources: (s) => inAccount("sqs", `${s.prefix}-*`)(s),
};

export const DEPLOY_PERMISSIONS: Record<string, DeployGrant> = {
  "aws:iam/role:Role": {
    actions: [
      "iam:CreateRole",
      "iam:GetRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
    resources: projectRoles,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    resources: projectRoles,
  },
  "aws:kms/key:Key": {
    unscoped: ["kms:CreateKey"],
    actions: [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:PutKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:ScheduleKeyDeletion",
      "kms:UpdateKeyDescription",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ListResourceTags",
    ],
    resources: inAccount("kms", "key/*"),
  },
  "aws:kms/alias:Alias": {
    unscoped: ["kms:ListAliases"],
    actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
    resources: (s) => [...inAccount("kms", `alias/${s.prefix}-*`)(s), ...inAccount("kms", "key/*")(s)],
  },
  "aws:s3/bucket:Bucket": BUCKET,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": BUCKET,
  "aws:s3/bucketLogging:BucketLogging": BUCKET,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": BUCKET,
  "aws:s3/bucketPolicy:BucketPolicy": BUCKET,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": BUCKET,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": BUCKET,
  "aws:s3/bucketVersioning:BucketVersioning": BUCKET,
  "aws:sagemaker/model:Model": {
    actions: ["sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:DeleteModel", ...SAGEMAKER_TAGS],
    resources: inAccount("sagemaker", "model/*"),
  },
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": {
    actions: [
      "sagemaker:CreateEndpointConfig",
      "sagemaker:DescribeEndpointConfig",
      "sagemaker:DeleteEndpointConfig",
      ...SAGEMAKER_TAGS,
    ],
    resources: inAccount("sagemaker", "endpoint-config/*"),
  },
  "aws:sagemaker/endpoint:Endpoint": {
    actions: [
      "sagemaker:CreateEndpoint",
      "sagemaker:DescribeEndpoint",
      "sagemaker:UpdateEndpoint",
      "sagemaker:DeleteEndpoint",
      ...SAGEMAKER_TAGS,
    ],
    resources: (s) => [
      ...inAccount("sagemaker", "endpoint/*")(s),
      ...inAccount("sagemaker", "endpoint-config/*")(s),
    ],
  },
  "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": {
    actions: [
      "sagemaker:CreateDataQualityJobDefinition",
      "sagemaker:DescribeDataQualityJobDefinition",
      "sagemaker:DeleteDataQualityJobDefinition",
      ...SAGEMAKER_TAGS,
    ],
    resources: inAccount("sagemaker", "data-quality-job-definition/*"),
  },
  "aws:sagemaker/monitoringSchedule:MonitoringSchedule": {
    actions: [
      "sagemaker:CreateMonitoringSchedule",
      "sagemaker:DescribeMonitoringSchedule",
      "sagemaker:UpdateMonitoringSchedule",
      "sagemaker:DeleteMonitoringSchedule",
      ...SAGEMAKER_TAGS,
    ],
    resources: inAccount("sagemaker", "monitoring-schedule/*"),
  },
  "aws:lambda/function:Function": {
    actions: [
      "lambda:CreateFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:PublishVersion",
      "lambda:ListVersionsByFunction",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:ListTags",
    ],
    // A function in a VPC: "your user needs ec2:DescribeSecurityGroups, ec2:DescribeSubnets,
    // ec2:DescribeVpcs" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
    unscoped: ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
    resources: (s) => inAccount("lambda", `function:${s.prefix}-*`)(s),
  },
  "aws:lambda/permission:Permission": {
    actions: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    resources: (s) => inAccount("lambda", `function:${s.prefix}-*`)(s),
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    actions: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:ListTagsForResource",
    ],
    unscoped: ["logs:DescribeLogGroups"],
    resources: (s) => inAccount("logs", `log-group:/${s.prefix}/*`)(s),
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    actions: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:ListTagsForResource",
    ],
    resources: inAccount("cloudwatch", "alarm:*"),
  },
  "aws:sqs/queue:Queue": QUEUE,
  "aws:sqs/queuePolicy:QueuePolicy": QUEUE,
  "aws:cloudwatch/eventRule:EventRule": {
    actions: [
      "events:PutRule",
      "events:DescribeRule",
      "events:DeleteRule",
      "events:TagResource",
      "events:UntagResource",
      "events:ListTagsForResource",
    ],
    resources: (s) => inAccount("events", `rule/${s.prefix}-*`)(s),
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    actions: ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"],
    resources: (s) => inAccount("events", `rule/${s.prefix}-*`)(s),
  },
  "aws:sns/topic:Topic": {
    actions: [
      "sns:CreateTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:DeleteTopic",
      "sns:TagResource",
      "sns:UntagResource",
      "sns:ListTagsForResource",
    ],
    resources: (s) => inAccount("sns", `${s.prefix}-*`)(s),
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    actions: [
      "sns:Subscribe",
      "sns:Unsubscribe",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
    ],
    resources: (s) => inAccount("sns", `${s.prefix}-*`)(s),
  },
  "aws:apigateway/account:Account": API_GATEWAY,
  "aws:apigateway/apiKey:ApiKey": API_GATEWAY,
  "aws:apigateway/deployment:Deployment": API_GATEWAY,
  "aws:apigateway/integration:Integration": API_GATEWAY,
  "aws:apigateway/method:Method": API_GATEWAY,
  "aws:apigateway/methodSettings:MethodSettings": API_GATEWAY,
  "aws:apigateway/resource:Resource": API_GATEWAY,
  "aws:apigateway/restApi:RestApi": API_GATEWAY,
  "aws:apigateway/stage:Stage": API_GATEWAY,
  "aws:apigateway/usagePlan:UsagePlan": API_GATEWAY,
  "aws:apigateway/usagePlanKey:UsagePlanKey": API_GATEWAY,
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    actions: [
      "ec2:CreateVpcEndpoint",
      "ec2:ModifyVpcEndpoint",
      "ec2:DeleteVpcEndpoints",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    unscoped: [
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribeVpcEndpointServices",
      "ec2:DescribePrefixLists",
      "ec2:DescribeNetworkInterfaces",
    ],
    // Creating an endpoint is authorized on the endpoint, the VPC, its subnets and security groups.
    resources: inAccount("ec2", "*"),
  },
};

/**
 * Creating the prod model from the approved package in the pipeline account's registry: the
 * provider reads the package, and CreateModel with another account's package is authorized as
 * sagemaker:CreateModel on that package (the group's policy must allow it too; see
 * infra/ml/ml-pipeline.ts, shareModelsWithProd).
 */
export const READ_APPROVED_PACKAGE: DeployGrant = {
  actions: ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:CreateModel"],
  resources: (s) => [
    `arn:${s.partition}:sagemaker:${s.region}:${s.pipelineAccount}:model-package/*`,
    `arn:${s.partition}:sagemaker:${s.region}:${s.pipelineAccount}:model-package-group/*`,
  ],
};

/**
 * The project key, used by Lambda and SageMaker for the caller: Lambda creates a grant and encrypts
 * with a function's customer managed key ("kms:CreateGrant, kms:Encrypt – To configure a customer
 * managed key on a function",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html), and the
 * provider's read decrypts the environment GetFunction returns; SageMaker creates a grant for an
 * endpoint's volumes as the caller of CreateEndpoint and UpdateEndpoint (CreateEndpointConfig,
 * KmsKeyId). Only through those two services.
 */
export const SERVICE_KEY_USE: DeployGrant = {
  actions: ["kms:CreateGrant", "kms:Encrypt", "kms:Decrypt"],
  resources: inAccount("kms", "key/*"),
  condition: (s) => ({
    StringEquals: {
      "kms:ViaService": [`lambda.${s.region}.amazonaws.com`, `sagemaker.${s.region}.amazonaws.com`],
    },
  }),
};

/** Services the deployment role may hand this project's roles to. */
export const PASSED_TO = [
  "sagemaker.amazonaws.com",
  "lambda.amazonaws.com",
  "events.amazonaws.com",
  "apigateway.amazonaws.com",
] as const;
