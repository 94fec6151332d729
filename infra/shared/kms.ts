import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "./aws-context";
import { grantToProdRoles, type ProdAccount } from "./cross-account";
import { policyDocument, type Statement } from "./iam";
import { KEY_USE, keyUsePrincipal, type KeyUser } from "./service-principals";

/** Key administration, spelled out so no statement needs `kms:*`. */
const ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:CreateGrant",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

const USE_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:DescribeKey",
];

export interface KmsKeyArgs {
  /** What it is for, shown in the console. */
  readonly description: string;
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
  /** Log groups (by name prefix) that CloudWatch Logs may encrypt with this key. */
  readonly logGroupNamePrefixes?: string[];
  /** CloudWatch alarms publish to SNS topics encrypted with this key. */
  readonly alarmTopics?: boolean;
  /** EventBridge rules (by name prefix) that send failed deliveries to queues encrypted with this key. */
  readonly eventRuleNamePrefixes?: string[];
  /** State machines encrypted with this key deliver their logs to CloudWatch Logs. */
  readonly logDelivery?: boolean;
  /** Roles of the production account that decrypt, through S3 only, what this key encrypts there. */
  readonly sharedWith?: { readonly prod: ProdAccount; readonly roleArns: string[] };
}

export interface KmsKey {
  key: aws.kms.Key;
  alias: aws.kms.Alias;
}

/**
 * The key policy's grants to services that use the key as themselves, each scoped by the confused-
 * deputy keys that service sends, and only by those (service-principals.ts says which it sends).
 */
function serviceGrants(args: KmsKeyArgs): Statement[] {
  const { ctx } = args;
  const grant = (sid: string, user: KeyUser, condition?: Statement["Condition"]): Statement => ({
    Sid: sid,
    Principal: { Service: keyUsePrincipal(user, ctx.region) },
    Action: KEY_USE[user].actions,
    Resource: "*",
    ...(condition ? { Condition: condition } : {}),
  });
  const statements: Statement[] = [];
  if (args.logGroupNamePrefixes?.length) {
    statements.push(
      grant("CloudWatchLogsEncryptsOwnLogGroups", "logs", {
        ArnLike: {
          [`kms:EncryptionContext:${KEY_USE.logs.encryptionContext}`]: args.logGroupNamePrefixes.map(
            (prefix) => arn(ctx, "logs", `log-group:${prefix}*`),
          ),
        },
      }),
    );
  }
  // CloudWatch sends no source keys to KMS when an alarm publishes to an encrypted topic.
  if (args.alarmTopics) statements.push(grant("CloudWatchAlarmsPublishToTopics", "alarms"));
  if (args.eventRuleNamePrefixes?.length) {
    statements.push(
      grant("EventBridgeDeadLettersFromOwnRules", "events", {
        StringEquals: { "aws:SourceAccount": ctx.accountId },
        ArnLike: { "aws:SourceArn": args.eventRuleNamePrefixes.map((p) => arn(ctx, "events", `rule/${p}*`)) },
      }),
    );
  }
  if (args.logDelivery) {
    statements.push(
      grant("LogDeliveryForOwnStateMachines", "logDelivery", {
        StringEquals: { "aws:SourceAccount": ctx.accountId },
        ArnLike: { "aws:SourceArn": arn(ctx, "logs", "*") },
      }),
    );
  }
  return statements;
}

/**
 * Another account's roles may only decrypt, and only what S3 decrypts for them (objects they read);
 * they can never encrypt, re-encrypt or administer.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
function crossAccountDecrypt(ctx: AwsContext, shared: NonNullable<KmsKeyArgs["sharedWith"]>): Statement {
  return grantToProdRoles("ProdAccountDecryptsSharedObjects", shared.prod, ctx.partition, shared.roleArns, {
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: { StringEquals: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` } },
  });
}

/**
 * A customer-managed key with rotation on. The account root keeps administration and may delegate use
 * through IAM policies; each role's own policy then grants only what it needs. Services that use the
 * key as themselves are granted in the key policy.
 */
export function kmsKey(name: string, args: KmsKeyArgs, parent: pulumi.Resource): KmsKey {
  const root = pulumi.interpolate`arn:${args.ctx.partition}:iam::${args.ctx.accountId}:root`;
  const statements: Statement[] = [
    { Sid: "AccountAdministersKey", Principal: { AWS: root }, Action: ADMIN_ACTIONS, Resource: "*" },
    { Sid: "AccountDelegatesUseThroughIam", Principal: { AWS: root }, Action: USE_ACTIONS, Resource: "*" },
    ...serviceGrants(args),
    ...(args.sharedWith ? [crossAccountDecrypt(args.ctx, args.sharedWith)] : []),
  ];
  const key = new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policyDocument(statements),
    },
    { parent },
  );
  const alias = new aws.kms.Alias(
    `${name}-alias`,
    { name: `alias/${args.alias}`, targetKeyId: key.keyId },
    { parent },
  );
  return { key, alias };
}
