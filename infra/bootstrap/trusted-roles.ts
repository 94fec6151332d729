import { NamedError } from "../../config/named-error";

/**
 * Who may be named in the deployment role's trust besides the Deploy stage: exact roles of the
 * pipeline account, nothing broader. The trust's only condition is the session name, which the caller
 * chooses, so the principal list alone decides who can deploy production.
 * Principal forms: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

/** A principal refused for the deployment role's trust. */
export class TrustedRoleError extends NamedError {
  constructor(message: string) {
    super("TrustedRoleError", message);
  }
}

/** The account every trusted role must be in, and where that came from (named in messages). */
export interface PipelineAccount {
  readonly partition: string;
  readonly accountId: string;
  /** The setting that names the account, e.g. `mlops:prodAccount.pipelineRoleArn`. */
  readonly source: string;
}

/**
 * IAM's role ARN, `arn:<partition>:iam::<account>:role/<path/><name>`: names of 1-64 characters from
 * `[\w+=,.@-]` (CreateRole's RoleName). IAM allows more in a path; the stack config does not, nor here.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Other IAM and STS principal ARNs (user, group, assumed-role, federated-user, ...): not roles. */
const OTHER_PRINCIPAL = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:([a-z-]+)\//;

/**
 * "You cannot use a wildcard to match part of a principal name or ARN", and `*` alone is every
 * principal of every account (the page above, "All principals").
 */
function wildcardProblem(value: string): string | undefined {
  if (!/[*?]/.test(value)) return undefined;
  return "no wildcards: * trusts every principal of every AWS account, and IAM matches no part of a principal ARN by pattern";
}

/**
 * "The account ARN and the shortened account ID behave the same way. Both delegate permissions to
 * the account" (the page above, "AWS account principals"): any identity its administrators allow.
 */
function accountRootProblem(value: string): string | undefined {
  if (!/^\d{12}$/.test(value) && !/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(value)) return undefined;
  return "no account roots: an account principal trusts every role and user that account's administrators allow, not one role";
}

function notARoleProblem(value: string): string | undefined {
  const kind = OTHER_PRINCIPAL.exec(value)?.[1];
  if (!kind || kind === "role") return undefined;
  return `roles only: ${kind} principals are not roles`;
}

function accountProblem(value: string, pipeline: PipelineAccount): string | undefined {
  const [, partition, account] = ROLE_ARN.exec(value) ?? [];
  if (partition === undefined) return "not an IAM role ARN";
  if (partition !== pipeline.partition)
    return `pipeline partition only: ${partition} is not the stack's partition (${pipeline.partition})`;
  if (account !== pipeline.accountId)
    return `pipeline account only: ${account} is not the pipeline account (${pipeline.accountId}, ${pipeline.source}'s)`;
  return undefined;
}

/** Why this principal may not be trusted (the rule it breaks), or undefined when it may. */
export function trustedRoleProblem(value: string, pipeline: PipelineAccount): string | undefined {
  return (
    wildcardProblem(value) ??
    accountRootProblem(value) ??
    notARoleProblem(value) ??
    accountProblem(value, pipeline)
  );
}

/** A principal refused, with the rule it breaks and what is allowed instead. */
export interface Untrustable {
  readonly index: number;
  readonly value: string;
  readonly reason: string;
}

/** The first principal of `values` that may not be trusted, or undefined when all may be. */
export function firstUntrustable(
  values: readonly string[],
  pipeline: PipelineAccount,
): Untrustable | undefined {
  const allowed = allowedIn(pipeline);
  for (const [index, value] of values.entries()) {
    const problem = trustedRoleProblem(value, pipeline);
    if (problem) return { index, value, reason: `${problem}; ${allowed}` };
  }
  return undefined;
}

/** What may be trusted; an unknown account (the pipeline role's own ARN is broken) is left generic. */
function allowedIn({ partition, accountId }: PipelineAccount): string {
  return /^\d{12}$/.test(accountId)
    ? `allowed: a role of the pipeline account, arn:${partition}:iam::${accountId}:role/<path/name>`
    : `allowed: an IAM role ARN, arn:${partition}:iam::<12-digit account>:role/<path/name>`;
}

/** The pipeline account as a role ARN names it (the Deploy stage's role). */
export function pipelineAccountOf(roleArn: string, source: string): PipelineAccount {
  const [, partition = "", accountId = ""] = /^arn:([^:]*):iam::([^:]*):/.exec(roleArn) ?? [];
  return { partition, accountId, source };
}
