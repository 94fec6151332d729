import { statementsOf, stackRule } from "../lib/rule";
import { bucketsWith } from "../s3-helpers";

export const s3Tls = stackRule(
  {
    name: "aws-s3-bucket-tls-only",
    description: "Bucket policies deny every request not made over TLS.",
    severity: "high",
    remediation:
      "Add a Deny statement on s3:* for the bucket and its objects with Condition Bool aws:SecureTransport false.",
    externalIds: ["s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY (cfn-guard)"],
  },
  (resources, _args, report) => {
    for (const { bucket, config } of bucketsWith(resources, "aws:s3/bucketPolicy:BucketPolicy")) {
      const denies = config
        .flatMap((c) => statementsOf(c.props.policy))
        .some((s) => s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false");
      if (!denies) report(`Bucket ${bucket.name} accepts requests without TLS.`, bucket.urn);
    }
  },
);
