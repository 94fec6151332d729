import type { ProdAccount } from "../shared/cross-account";
import {
  DEPLOY_PERMISSIONS,
  PASSED_TO,
  READ_APPROVED_PACKAGE,
  SERVICE_KEY_USE,
  type DeployScope,
} from "./deploy-permissions";
import { showValue } from "../../config/validation";
import { firstUntrustable, pipelineAccountOf, TrustedRoleError } from "./trusted-roles";

/**
 * The production account's deployment role, as plain policy documents: who may assume it (exactly
 * the pipeline's Deploy role, with the session name the prod stack's provider uses) and what it may
 * do (DEPLOY_PERMISSIONS). Pure, so the bootstrap CLI prints it and the IAM contract tests evaluate it.
 */

export interface ProdDeployRoleInput {
  readonly prod: ProdAccount;
  /** The pipeline-account role that runs `pulumi up -s prod` (the Deploy stage's). */
  readonly pipelineRoleArn: string;
  readonly region: string;
  readonly partition: string;
  /** Name prefix of the project's resources. */
  readonly prefix: string;
  /**
   * Other principals that may deploy production by hand (break-glass): each an exact role ARN in the
   * pipeline role's account (trusted-roles.ts); anything else throws a TrustedRoleError.
   */
  readonly extraTrustedRoleArns?: readonly string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface ProdDeployRole {
  readonly roleName: string;
  readonly trustPolicy: { Version: string; Statement: PolicyStatement[] };
  readonly permissionsPolicy: { Version: string; Statement: PolicyStatement[] };
}

const VERSION = "2012-10-17";

export function prodDeployRole(input: ProdDeployRoleInput): ProdDeployRole {
  const roleName = input.prod.deployRoleArn.split("/").pop()!;
  const trusted = trustedRoles(input);
  return {
    roleName,
    trustPolicy: {
      Version: VERSION,
      Statement: [
        {
          Sid: "PipelineDeployStageOnly",
          Effect: "Allow",
          Principal: { AWS: trusted.length === 1 ? trusted[0] : trusted },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:RoleSessionName": input.prod.sessionName } },
        },
      ],
    },
    permissionsPolicy: {
      Version: VERSION,
      Statement: [...permissionStatements(scopeOf(input)), neverChangeItself(input.prod.deployRoleArn)],
    },
  };
}

/**
 * The principals of the trust, checked here and not only by the CLI: the trust's one condition is a
 * session name any caller picks, so a broad principal would let anyone deploy production.
 */
function trustedRoles(input: ProdDeployRoleInput): string[] {
  const pipeline = {
    ...pipelineAccountOf(input.pipelineRoleArn, "pipelineRoleArn"),
    partition: input.partition,
  };
  const extra = input.extraTrustedRoleArns ?? [];
  const own = firstUntrustable([input.pipelineRoleArn], pipeline);
  if (own) throw new TrustedRoleError(`pipelineRoleArn = ${showValue(own.value)}: ${own.reason}`);
  const other = firstUntrustable(extra, pipeline);
  if (other)
    throw new TrustedRoleError(
      `extraTrustedRoleArns[${other.index}] = ${showValue(other.value)}: ${other.reason}`,
    );
  return [input.pipelineRoleArn, ...extra];
}

/**
 * The role changes the project's roles (`role/<prefix>-*`), a pattern its own name may match. An
 * explicit Deny on its own ARN keeps it from widening its own policies, trust or boundary: "An
 * explicit deny in any of these policies overrides the allow"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
 * It can still create a project role and hand it to Lambda or SageMaker (scoped PassRole): a
 * permissions boundary on every project role would close that too (README, "Not exercised").
 */
function neverChangeItself(roleArn: string): PolicyStatement {
  return {
    Sid: "NeverChangeItself",
    Effect: "Deny",
    Action: [
      "iam:AttachRolePolicy",
      "iam:DeleteRole",
      "iam:DeleteRolePermissionsBoundary",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
    ],
    Resource: roleArn,
  };
}

function scopeOf(input: ProdDeployRoleInput): DeployScope {
  return {
    partition: input.partition,
    region: input.region,
    account: input.prod.accountId,
    pipelineAccount: input.pipelineRoleArn.split(":")[4],
    prefix: input.prefix,
  };
}

/** One statement per distinct set of resources and condition, the unscoped actions together on `*`. */
function permissionStatements(scope: DeployScope): PolicyStatement[] {
  type Entry = { resources: string[]; condition?: PolicyStatement["Condition"]; actions: Set<string> };
  const byResources = new Map<string, Entry>();
  const unscoped = new Set<string>();
  for (const grant of [...Object.values(DEPLOY_PERMISSIONS), READ_APPROVED_PACKAGE, SERVICE_KEY_USE]) {
    const resources = grant.resources(scope);
    const condition = grant.condition?.(scope);
    const key = `${resources.join(" ")}|${JSON.stringify(condition ?? {})}`;
    const entry =
      byResources.get(key) ?? byResources.set(key, { resources, condition, actions: new Set() }).get(key)!;
    grant.actions.forEach((action) => entry.actions.add(action));
    grant.unscoped?.forEach((action) => unscoped.add(action));
  }
  const scoped = [...byResources.values()].map(({ resources, condition, actions }, i) => ({
    Sid: `Deploy${i + 1}`,
    Effect: "Allow" as const,
    Action: [...actions].sort(),
    Resource: resources,
    ...(condition && { Condition: condition }),
  }));
  return [
    ...scoped,
    { Sid: "DeployUnscoped", Effect: "Allow", Action: [...unscoped].sort(), Resource: "*" },
    {
      Sid: "PassProjectRolesToTheirServices",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:${scope.partition}:iam::${scope.account}:role/${scope.prefix}-*`,
      Condition: { StringEquals: { "iam:PassedToService": [...PASSED_TO] } },
    },
  ];
}

/** An AWS CloudFormation template that creates the role; `aws cloudformation deploy` is idempotent. */
export function bootstrapTemplate(role: ProdDeployRole, description: string): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: description,
    Resources: {
      DeployRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: role.roleName,
          Description: "Deploys the mlops prod stack; assumed only by the pipeline account's Deploy stage",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: role.trustPolicy,
          Policies: [{ PolicyName: "deploy-prod-stack", PolicyDocument: role.permissionsPolicy }],
        },
      },
    },
    Outputs: { DeployRoleArn: { Value: { "Fn::GetAtt": ["DeployRole", "Arn"] } } },
  };
}
