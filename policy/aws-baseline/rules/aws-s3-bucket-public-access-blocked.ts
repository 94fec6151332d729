import { stackRule } from "../lib/rule";
import { bucketsWith } from "../s3-helpers";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3PublicAccess = stackRule(
  {
    name: "aws-s3-bucket-public-access-blocked",
    description: "Every bucket blocks all four kinds of public access.",
    severity: "critical",
    remediation: "Add a BucketPublicAccessBlock with all four flags true.",
    externalIds: [
      "CKV_AWS_53",
      "CKV_AWS_54",
      "CKV_AWS_55",
      "CKV_AWS_56",
      "s3-bucket-level-public-access-prohibited",
    ],
  },
  (resources, _args, report) => {
    for (const { bucket, config } of bucketsWith(
      resources,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    )) {
      const missing = FLAGS.filter((flag) => !config.some((c) => c.props[flag] === true));
      if (missing.length) report(`Bucket ${bucket.name} does not set ${missing.join(", ")}.`, bucket.urn);
    }
  },
);
