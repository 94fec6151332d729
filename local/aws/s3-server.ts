import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join, relative, sep } from "node:path";
import { filesUnder } from "../run/files";
import { listen, readBody } from "./http";
import type { LocalAwsState } from "./state";
import type { LocalAccount } from "./account";
import { AccessDenied } from "./iam/denial";
import { requestsFor } from "./iam/sdk-requests";
import { accessKeyOf, type Session } from "./identity";
import { bindRequest } from "./rest-binding";
import { validateInput, validationMessage } from "./validate";
import { S3_MISSING_KEY } from "./behaviour";

/**
 * A local S3 for the handlers' own calls (GetObject, HeadObject, PutObject, ListObjectsV2,
 * path-style), storing objects as files under the run directory. Each request is bound to its
 * operation by the API model, validated, and authorized as its signer by the account's IAM; a
 * missing key answers as S3 documents (404 only to a caller that may list the bucket).
 */

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Call {
  session: Session;
  bucket: string;
  input: Record<string, unknown>;
  file: string;
  root: string;
}

const SECURE = { "aws:SecureTransport": "true" };

/** The object, or S3's answer for a missing key: NoSuchKey if the caller may list, else AccessDenied. */
function existingObject(account: LocalAccount, call: Call): Buffer {
  if (existsSync(call.file) && !statSync(call.file).isDirectory()) return readFileSync(call.file);
  const bucketArn = `arn:aws:s3:::${call.bucket}`;
  const listing = { action: "s3:ListBucket", resource: bucketArn, context: SECURE };
  // The 403 is S3's answer, not a failed call of the caller's: it is not counted as a refusal.
  const reason = account.denial(call.session.roleArn, listing);
  if (reason) throw new AccessDenied(call.session.assumedRoleArn, "s3:ListBucket", bucketArn, reason, true);
  throw new S3Error("NoSuchKey", "The specified key does not exist.", S3_MISSING_KEY.withList);
}

/** A page of keys under the prefix, in order, after the continuation token's key. */
function list(call: Call): string {
  const prefix = String(call.input.Prefix ?? "");
  const maxKeys = Number(call.input.MaxKeys ?? 1000);
  const after = call.input.ContinuationToken
    ? Buffer.from(String(call.input.ContinuationToken), "base64url").toString("utf8")
    : "";
  const bucketDir = join(call.root, call.bucket);
  const matching = existsSync(bucketDir)
    ? filesUnder(bucketDir)
        .map((f) => relative(bucketDir, f).split(sep).join("/"))
        .filter((k) => k.startsWith(prefix) && k > after)
        .sort()
    : [];
  const keys = matching.slice(0, maxKeys);
  const truncated = matching.length > keys.length;
  const next = truncated
    ? `<NextContinuationToken>${Buffer.from(keys[keys.length - 1]).toString("base64url")}</NextContinuationToken>`
    : "";
  const contents = keys
    .map((k) => {
      const stats = statSync(join(bucketDir, k));
      return `<Contents><Key>${xml(k)}</Key><LastModified>${stats.mtime.toISOString()}</LastModified><Size>${stats.size}</Size></Contents>`;
    })
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${xml(call.bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${contents}</ListBucketResult>`;
}

type Answer = { status: number; body?: string | Buffer; headers?: Record<string, string | number> };

function serve(account: LocalAccount, operation: string, call: Call, body: Buffer): Answer {
  switch (operation) {
    case "PutObject":
      mkdirSync(dirname(call.file), { recursive: true });
      writeFileSync(call.file, body);
      return { status: 200, headers: { etag: '"local"' } };
    case "GetObject":
    case "HeadObject": {
      const content = existingObject(account, call);
      return {
        status: 200,
        body: operation === "GetObject" ? content : undefined,
        headers: { "content-length": content.length, "content-type": "application/octet-stream" },
      };
    }
    case "ListObjectsV2":
      return { status: 200, body: list(call), headers: { "content-type": "application/xml" } };
    default:
      throw new S3Error("NotImplemented", `${operation} is not served by the local S3`, 501);
  }
}

function send(response: ServerResponse, method: string | undefined, answer: Answer): void {
  response.writeHead(answer.status, answer.headers ?? {});
  // HEAD answers carry no body, errors included (S3 API reference, HeadObject).
  response.end(method === "HEAD" ? undefined : answer.body);
}

function failure(error: unknown): Answer {
  const code =
    error instanceof S3Error ? error.code : error instanceof AccessDenied ? "AccessDenied" : "InternalError";
  const status = error instanceof S3Error ? error.status : error instanceof AccessDenied ? 403 : 500;
  const message = error instanceof Error ? error.message : String(error);
  return {
    status,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`,
  };
}

async function handle(
  world: LocalAwsState,
  account: LocalAccount,
  request: IncomingMessage,
): Promise<Answer> {
  const root = join(world.runDir, "s3");
  const body = request.method === "PUT" ? await readBody(request) : Buffer.alloc(0);
  const bound = bindRequest("s3", {
    method: request.method ?? "GET",
    url: request.url ?? "/",
    headers: request.headers,
    body,
  });
  if (!bound)
    throw new S3Error(
      "NotImplemented",
      `${request.method} ${request.url} is not an S3 operation served locally`,
      501,
    );
  const violations = validateInput("s3", bound.operation, bound.input);
  if (violations.length > 0) throw new S3Error("InvalidArgument", validationMessage(violations), 400);
  const session = account.sessionOf(accessKeyOf(request.headers.authorization));
  if (!session)
    throw new S3Error(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      403,
    );
  const bucket = String(bound.input.Bucket);
  const file = join(root, bucket, String(bound.input.Key ?? ""));
  if (!file.startsWith(root + sep)) throw new S3Error("InvalidRequest", "path-style requests only", 400);
  const iamOperation = bound.operation === "HeadObject" ? "GetObject" : bound.operation;
  account.authorize(
    session,
    requestsFor(session.roleArn, { service: "S3", operation: iamOperation, input: bound.input }, account.iam),
    {
      quoted: true,
    },
  );
  return serve(account, bound.operation, { session, bucket, input: bound.input, file, root }, body);
}

export async function startS3(world: LocalAwsState, account: LocalAccount) {
  return listen(async (request, response) => {
    let answer: Answer;
    try {
      answer = await handle(world, account, request);
    } catch (error) {
      answer = failure(error);
    }
    send(response, request.method, answer);
  });
}
