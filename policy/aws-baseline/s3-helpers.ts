import type { PolicyResource } from "@pulumi/policy";
import { ofType } from "./lib/rule";

/** Each bucket with the sub-resources that configure it (v7 splits a bucket into several resources). */
export function bucketsWith(
  resources: PolicyResource[],
  type: string,
): { bucket: PolicyResource; config: PolicyResource[] }[] {
  const configs = ofType(resources, type);
  return ofType(resources, "aws:s3/bucket:Bucket").map((bucket) => {
    const ids = [bucket.props.id, bucket.props.bucket].filter(Boolean);
    return { bucket, config: configs.filter((c) => ids.includes(c.props.bucket)) };
  });
}

/** Buckets that receive S3 server access logs; S3 cannot deliver those to an SSE-KMS bucket. */
export function accessLogTargets(resources: PolicyResource[]): Set<string> {
  return new Set(
    ofType(resources, "aws:s3/bucketLogging:BucketLogging").map((l) => String(l.props.targetBucket)),
  );
}
