import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./aws-context";
import { ASSUME_ROLE, type AssumingService } from "./service-principals";

type Inputs<T> = pulumi.Input<T> | pulumi.Input<T>[];

/** An IAM policy statement; `Action` is always explicit (the policy packs reject wildcards). */
export interface Statement {
  Sid?: string;
  Effect?: "Allow" | "Deny";
  Action: string | string[];
  /** Required in identity policies; absent in trust policies. */
  Resource?: Inputs<string> | pulumi.Output<string[]>;
  Principal?: pulumi.Input<Record<string, Inputs<string>>> | "*";
  Condition?: pulumi.Input<Record<string, Record<string, Inputs<string>>>>;
}

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({ Effect: "Allow", ...s })),
  });
}

/** Lets a role hand `roleArn` to exactly one service, never to anything else. */
export function passRole(roleArn: Inputs<string>, service: string): Statement {
  return {
    Sid: "PassRoleToOneService",
    Action: "iam:PassRole",
    Resource: roleArn,
    Condition: { StringEquals: { "iam:PassedToService": service } },
  };
}

/** Key usage limited to calls a given service makes on the caller's behalf. */
export function kmsUseVia(keyArn: pulumi.Input<string>, services: string[], ctx: AwsContext): Statement {
  return {
    Sid: "UseKeyThroughServices",
    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
    Resource: keyArn,
    Condition: {
      StringEquals: { "kms:ViaService": services.map((s) => `${s}.${ctx.region}.amazonaws.com`) },
    },
  };
}

/**
 * Step Functions encrypts a CMK-encrypted state machine's executions with the credentials of whoever
 * starts, reads or runs them: StartExecution needs kms:GenerateDataKey, DescribeExecution kms:Decrypt,
 * the state machine's own role both; the encryption context names the state machine.
 * https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
 */
export function stateMachineKeyUse(
  keyArn: pulumi.Input<string>,
  stateMachineArn: pulumi.Input<string>,
  actions: ("kms:GenerateDataKey" | "kms:Decrypt")[] = ["kms:GenerateDataKey", "kms:Decrypt"],
): Statement {
  return {
    Sid: "UseStateMachineKey",
    Action: actions,
    Resource: keyArn,
    Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn } },
  };
}

export function logWriting(logGroupArn: pulumi.Input<string>): Statement {
  return {
    Sid: "WriteOwnLogs",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [logGroupArn, pulumi.interpolate`${logGroupArn}:log-stream:*`],
  };
}

export interface ServiceRoleArgs {
  /** The service principal that assumes the role, e.g. `codebuild.amazonaws.com`. */
  readonly service: AssumingService;
  /** What it is for, shown in the console. */
  readonly description: string;
  /** The role's only permissions, attached inline so they live and die with the role. */
  readonly statements: Statement[];
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
  /** A fixed name, for a role another account's policies must name before it exists. */
  readonly roleName?: string;
}

/**
 * Who may assume a service role: the service, limited to this account (confused-deputy protection)
 * where the service sends `aws:SourceAccount` when it assumes roles (see service-principals.ts).
 */
export function serviceTrust(service: AssumingService, ctx: AwsContext): Statement {
  return {
    Action: "sts:AssumeRole",
    Principal: { Service: service },
    ...(ASSUME_ROLE[service].sendsSourceAccount
      ? { Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } } }
      : {}),
  };
}

/** A role one AWS service assumes, with one inline policy and no managed policies. */
export function serviceRole(name: string, args: ServiceRoleArgs, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      ...(args.roleName ? { name: args.roleName } : {}),
      description: args.description,
      assumeRolePolicy: policyDocument([serviceTrust(args.service, args.ctx)]),
      maxSessionDuration: 3600,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: policyDocument(args.statements) },
    { parent },
  );
  return role;
}
