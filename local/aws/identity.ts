/**
 * Who is calling: the role session a piece of local code acts as, as Lambda, Step Functions,
 * SageMaker and Glue each act as the role they were given. Code runs as a session inside
 * `actingAs`; the AWS SDK clients of that code sign with the session's credentials, and the local
 * services know the caller from the access key in the signature.
 *
 * One session acts at a time (any number of its invocations may run together, as the canary's do):
 * code that would act as another waits until the current one's invocations end. A local run calls
 * its roles one after another, so nothing waits in practice; and unlike AsyncLocalStorage (async
 * hooks on every promise) this costs nothing per await.
 */

export interface Session {
  roleArn: string;
  /** `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`, the caller AWS's messages name. */
  assumedRoleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

let acting: { session: Session; invocations: number } | undefined;
const waiting: (() => void)[] = [];

async function enter(session: Session): Promise<void> {
  while (acting && acting.session.accessKeyId !== session.accessKeyId)
    await new Promise<void>((resume) => waiting.push(resume));
  if (acting) acting.invocations++;
  else acting = { session, invocations: 1 };
}

function leave(): void {
  if (!acting || --acting.invocations > 0) return;
  acting = undefined;
  waiting.splice(0).forEach((resume) => resume());
}

/** Runs `work` as the session: every AWS call it makes, however deep, is made with its credentials. */
export async function actingAs<T>(session: Session, work: () => Promise<T>): Promise<T> {
  await enter(session);
  try {
    return await work();
  } finally {
    leave();
  }
}

/** The session the calling code acts as, if any. */
export function currentSession(): Session | undefined {
  return acting?.session;
}

/** The access key id of a SigV4 `Authorization` header (`AWS4-HMAC-SHA256 Credential=<id>/…`). */
export function accessKeyOf(authorization: string | string[] | undefined): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  return header ? /Credential=([^/,\s]+)\//.exec(header)?.[1] : undefined;
}
