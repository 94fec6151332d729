import { relative, sep } from "node:path";
import { filesUnder } from "../run/files";
import type { LocalAwsState } from "./state";
import type { LocalAccount } from "./account";
import { requestsFor } from "./iam/sdk-requests";
import type { Session } from "./identity";

/**
 * What a service reads and writes in S3 as the role it was given: a Glue job as its job role, a
 * training or transform job and an endpoint as the SageMaker execution role. Each object is
 * authorized as the GetObject, PutObject or ListObjectsV2 call the service makes with that role
 * (with the KMS use SSE-KMS adds), before the local stand-in touches the file.
 */

const parse = (uri: string) => {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { Bucket: match[1], Key: match[2] };
};

function authorizeS3(
  account: LocalAccount,
  session: Session,
  operation: string,
  input: Record<string, string>,
) {
  account.authorize(session, requestsFor(session.roleArn, { service: "S3", operation, input }, account.iam), {
    quoted: true,
  });
}

/** The objects under an S3 prefix (`s3://b/p/`, or one object's URI), listed and read as the session. */
export function readPrefix(
  account: LocalAccount,
  world: LocalAwsState,
  session: Session,
  prefixUri: string,
): string[] {
  const { Bucket, Key } = parse(prefixUri);
  authorizeS3(account, session, "ListObjectsV2", { Bucket, Prefix: Key });
  const files = filesUnder(world.path(prefixUri));
  for (const file of files)
    readObjectFile(account, world, session, `s3://${Bucket}/${keyOf(world, Bucket, file)}`);
  return files;
}

/** One object read as the session (s3:GetObject and, under SSE-KMS, kms:Decrypt). */
export function readObjectFile(
  account: LocalAccount,
  world: LocalAwsState,
  session: Session,
  uri: string,
): string {
  authorizeS3(account, session, "GetObject", parse(uri));
  return world.path(uri);
}

/** Every object now under a prefix, as if the session had just written each (s3:PutObject). */
export function wrotePrefix(
  account: LocalAccount,
  world: LocalAwsState,
  session: Session,
  prefixUri: string,
): void {
  const { Bucket } = parse(prefixUri);
  for (const file of filesUnder(world.path(prefixUri)))
    authorizeS3(account, session, "PutObject", { Bucket, Key: keyOf(world, Bucket, file) });
}

/** One object written as the session. */
export function writeObject(account: LocalAccount, session: Session, uri: string): void {
  authorizeS3(account, session, "PutObject", parse(uri));
}

function keyOf(world: LocalAwsState, bucket: string, file: string): string {
  return relative(world.path(`s3://${bucket}/`), file)
    .split(sep)
    .join("/");
}
