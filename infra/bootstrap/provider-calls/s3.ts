import { tagged, text, type DeployedResource, type Phase, type ProviderCall, type StackPlace } from "./types";

/** The bucket a resource is of: its own (a Bucket) or the one its `bucket` input names. */
const bucketOf = (resource: DeployedResource, place: StackPlace) => [
  `arn:${place.partition}:s3:::${text(resource.state.bucket) || text(resource.inputs.bucket)}`,
];

const row = (action: string, phases: Phase[], source: string, when?: ProviderCall["when"]): ProviderCall => ({
  action,
  on: bucketOf,
  phases,
  source: `internal/service/s3/${source}`,
  ...(when && { when }),
});

/**
 * A bucket's sub-configuration: Put to create, update and (for most) delete, and Get to read it
 * back; S3 authorizes a Delete of these settings as the Put action (S3 API reference).
 */
function setting(file: string, resource: string, put: string, get: string): ProviderCall[] {
  return [
    row(put, ["create", "update", "delete"], `${file}.go#resource${resource}Create, Update, Delete`),
    row(get, ["create", "read", "delete"], `${file}.go#resource${resource}Read`),
  ];
}

const bucket = (fn: string) => `bucket.go#${fn}`;

export const S3: Record<string, ProviderCall[]> = {
  "aws:s3/bucket:Bucket": [
    row("s3:CreateBucket", ["create"], bucket("resourceBucketCreate")),
    row("s3:ListBucket", ["create", "read", "delete"], bucket("findBucket (HeadBucket)")),
    // resourceBucketRead reads every configuration, and an AccessDenied on any is fatal.
    ...[
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
    ].map((action) => row(action, ["create", "read"], bucket("resourceBucketRead"))),
    // Tags go through S3 Control since v6.23 (s3:*Resource actions); the provider falls back to
    // GetBucketTagging and PutBucketTagging when those are refused (tags_gen.go, bucketListTags).
    {
      ...row("s3:ListTagsForResource", ["create", "read"], "tags_gen.go#listTags, bucketListTags"),
      orAction: "s3:GetBucketTagging",
    },
    {
      ...row(
        "s3:TagResource",
        ["create", "tags"],
        "bucket.go#resourceBucketCreate; tags_gen.go#updateTags",
        tagged,
      ),
      orAction: "s3:PutBucketTagging",
    },
    { ...row("s3:UntagResource", ["tags"], "tags_gen.go#updateTags"), orAction: "s3:PutBucketTagging" },
    row("s3:DeleteBucket", ["delete"], bucket("resourceBucketDelete")),
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": setting(
    "bucket_lifecycle_configuration",
    "BucketLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:GetLifecycleConfiguration",
  ),
  "aws:s3/bucketLogging:BucketLogging": setting(
    "bucket_logging",
    "BucketLogging",
    "s3:PutBucketLogging",
    "s3:GetBucketLogging",
  ),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": setting(
    "bucket_ownership_controls",
    "BucketOwnershipControls",
    "s3:PutBucketOwnershipControls",
    "s3:GetBucketOwnershipControls",
  ),
  "aws:s3/bucketPolicy:BucketPolicy": [
    row("s3:PutBucketPolicy", ["create", "update"], "bucket_policy.go#resourceBucketPolicyPut"),
    row("s3:GetBucketPolicy", ["create", "read", "delete"], "bucket_policy.go#resourceBucketPolicyRead"),
    row("s3:DeleteBucketPolicy", ["delete"], "bucket_policy.go#resourceBucketPolicyDelete"),
  ],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": setting(
    "bucket_public_access_block",
    "BucketPublicAccessBlock",
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPublicAccessBlock",
  ),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": setting(
    "bucket_server_side_encryption_configuration",
    "BucketServerSideEncryptionConfiguration",
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ),
  "aws:s3/bucketVersioning:BucketVersioning": setting(
    "bucket_versioning",
    "BucketVersioning",
    "s3:PutBucketVersioning",
    "s3:GetBucketVersioning",
  ),
  "aws:s3/bucketNotification:BucketNotification": setting(
    "bucket_notification",
    "BucketNotification",
    "s3:PutBucketNotification",
    "s3:GetBucketNotification",
  ),
};
