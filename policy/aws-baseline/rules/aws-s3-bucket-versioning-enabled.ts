import { stackRule } from "../lib/rule";
import { bucketsWith } from "../s3-helpers";

export const s3Versioning = stackRule(
  {
    name: "aws-s3-bucket-versioning-enabled",
    description: "Buckets keep object versions, so an overwrite or delete can be undone.",
    severity: "medium",
    remediation: "Add a BucketVersioning with status Enabled.",
    externalIds: ["CKV_AWS_21", "s3-bucket-versioning-enabled"],
  },
  (resources, _args, report) => {
    for (const { bucket, config } of bucketsWith(resources, "aws:s3/bucketVersioning:BucketVersioning")) {
      if (!config.some((c) => c.props.versioningConfiguration?.status === "Enabled"))
        report(`Bucket ${bucket.name} is not versioned.`, bucket.urn);
    }
  },
);
