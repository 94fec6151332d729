import { stackRule } from "../lib/rule";
import { accessLogTargets, bucketsWith } from "../s3-helpers";

export const s3Kms = stackRule(
  {
    name: "aws-s3-bucket-kms-encryption",
    description:
      "Buckets encrypt by default with KMS (buckets that receive S3 access logs may use SSE-S3, the only kind S3 log delivery supports).",
    severity: "high",
    remediation:
      "Add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and a customer-managed key.",
    externalIds: ["CKV_AWS_145", "s3-default-encryption-kms", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"],
  },
  (resources, _args, report) => {
    const logTargets = accessLogTargets(resources);
    for (const { bucket, config } of bucketsWith(
      resources,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )) {
      const algorithms = config.flatMap((c) =>
        (c.props.rules ?? []).map(
          (r: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }) =>
            r.applyServerSideEncryptionByDefault?.sseAlgorithm,
        ),
      );
      const isLogTarget = [bucket.props.id, bucket.props.bucket].some((id) => logTargets.has(String(id)));
      if (algorithms.includes("aws:kms") || algorithms.includes("aws:kms:dsse")) continue;
      if (isLogTarget && algorithms.includes("AES256")) continue;
      report(`Bucket ${bucket.name} has no default KMS encryption.`, bucket.urn);
    }
  },
);
