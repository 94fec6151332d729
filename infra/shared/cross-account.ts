import * as pulumi from "@pulumi/pulumi";
import type { Statement } from "./iam";

/**
 * Production in its own account. The pipeline account shares the approved model with the prod
 * account's roles: the model package group, the artifact and baseline objects, and decryption of
 * them. Each grant names the prod account's root as principal and the exact roles in a condition:
 * IAM, S3 and KMS refuse a policy whose principal is a role that does not exist yet, and the prod
 * roles are created after the pipeline account's grants (the pipeline deploys first).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 */

export interface ProdAccount {
  /** The production account id. */
  readonly accountId: string;
  /** The role in the production account the prod stack's provider assumes. */
  readonly deployRoleArn: string;
  /** The session name the provider uses; the role's trust requires it. */
  readonly sessionName: string;
  /** The pipeline-account role the Deploy stage runs as (default: the stack's deployRoleArn). */
  readonly pipelineRoleArn?: string;
}

/** The prod account's SageMaker execution role, named so the pipeline account can grant it first. */
export const PROD_SAGEMAKER_ROLE_NAME = "mlops-prod-sagemaker";

/** What the prod account's SageMaker role reads from the staging bucket: models and their baselines. */
export const SHARED_RUN_PREFIXES = ["runs/*/model/", "runs/*/data/baseline/"] as const;

export function prodSageMakerRoleArn(prod: ProdAccount, partition: string): string {
  return `arn:${partition}:iam::${prod.accountId}:role/${PROD_SAGEMAKER_ROLE_NAME}`;
}

/** The prod account's principals that use what the pipeline account shares. */
export function prodPrincipalArns(prod: ProdAccount, partition: string): string[] {
  return [prod.deployRoleArn, prodSageMakerRoleArn(prod, partition)];
}

/** A resource-policy statement for exactly these roles of the prod account. */
export function grantToProdRoles(
  sid: string,
  prod: ProdAccount,
  partition: string,
  roleArns: string[],
  grant: Pick<Statement, "Action" | "Resource" | "Condition">,
): Statement {
  const condition = (grant.Condition ?? {}) as Record<string, Record<string, pulumi.Input<string>>>;
  return {
    Sid: sid,
    Principal: { AWS: `arn:${partition}:iam::${prod.accountId}:root` },
    Action: grant.Action,
    ...(grant.Resource ? { Resource: grant.Resource } : {}),
    Condition: { ...condition, ArnEquals: { "aws:PrincipalArn": roleArns } },
  };
}

/** The prod account's role EventBridge uses to forward the drift alarm to the pipeline account. */
export const DRIFT_FORWARDER_ROLE_NAME = "mlops-drift-forwarder";

export function driftForwarderRoleArn(prod: ProdAccount, partition: string): string {
  return `arn:${partition}:iam::${prod.accountId}:role/${DRIFT_FORWARDER_ROLE_NAME}`;
}
