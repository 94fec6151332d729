// Generated from policy/shared/iam.ts by `npm run policy:build`: edit that file, not this copy.
import { list, statementsOf, type Props } from "./rule";

/** Actions with no resource-level permissions in IAM, so `Resource: "*"` is the only way to grant them. */
export const RESOURCELESS_ACTIONS = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
  "ecr:GetAuthorizationToken",
  "cloudwatch:PutMetricData",
  "sagemaker:ListModelPackages",
  "codepipeline:PutJobSuccessResult",
  "codepipeline:PutJobFailureResult",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeSecurityGroups",
]);

export const BROAD_MANAGED_POLICY = /(FullAccess|AdministratorAccess|PowerUserAccess)$/;

const isWildcard = (action: string) => action === "*" || /^[a-z0-9-]+:\*$/i.test(action);

/** Allow statements of a document, each with its actions and resources as lists. */
export function allowStatements(
  policy: unknown,
): { actions: string[]; resources: string[]; statement: Props }[] {
  return statementsOf(policy)
    .filter((s) => s.Effect === "Allow")
    .map((s) => ({
      actions: list(s.Action).map(String),
      resources: list(s.Resource).map(String),
      statement: s,
    }));
}

export function wildcardActions(policy: unknown): string[] {
  return allowStatements(policy).flatMap((s) => s.actions.filter(isWildcard));
}

/** Problems with iam:PassRole grants: unscoped resources or no iam:PassedToService condition. */
export function passRoleProblems(policy: unknown): string[] {
  return allowStatements(policy)
    .filter((s) => s.actions.some((a) => a === "iam:PassRole" || a === "iam:*" || a === "*"))
    .flatMap((s) => {
      const problems: string[] = [];
      if (
        !s.statement.Condition?.StringEquals?.["iam:PassedToService"] &&
        !s.statement.Condition?.StringLike?.["iam:PassedToService"]
      ) {
        problems.push("iam:PassRole without an iam:PassedToService condition");
      }
      if (s.resources.includes("*")) problems.push('iam:PassRole on every role (Resource "*")');
      return problems;
    });
}

/** Identity-policy grants on every resource for actions that could be scoped. */
export function unscopedGrants(policy: unknown): string[] {
  return allowStatements(policy)
    .filter((s) => s.resources.includes("*"))
    .flatMap((s) => s.actions.filter((a) => !RESOURCELESS_ACTIONS.has(a)));
}

/** An IAM action pattern (`kms:GenerateDataKey*`, `s3:Get?bject`) as a case-insensitive RegExp. */
export const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
