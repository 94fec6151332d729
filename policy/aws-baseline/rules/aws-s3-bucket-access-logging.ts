import { stackRule } from "../lib/rule";
import { accessLogTargets, bucketsWith } from "../s3-helpers";

export const s3Logging = stackRule(
  {
    name: "aws-s3-bucket-access-logging",
    description: "Buckets log access to a log bucket (the log bucket itself is exempt).",
    severity: "medium",
    remediation: "Add a BucketLogging that sends the bucket's server access logs to a log bucket.",
    externalIds: ["CKV_AWS_18", "s3-bucket-logging-enabled"],
  },
  (resources, _args, report) => {
    const targets = accessLogTargets(resources);
    for (const { bucket, config } of bucketsWith(resources, "aws:s3/bucketLogging:BucketLogging")) {
      if ([bucket.props.id, bucket.props.bucket].some((id) => targets.has(String(id)))) continue;
      if (config.length === 0) report(`Bucket ${bucket.name} has no access logging.`, bucket.urn);
    }
  },
);
