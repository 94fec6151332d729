import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "./aws-context";
import { policyDocument, type Statement } from "./iam";
import type { Tags } from "./tags";

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
  description: string;
  /** Alias without the `alias/` prefix. */
  alias: string;
  ctx: AwsContext;
  tags: Tags;
  /**
   * Log groups (by name prefix) that CloudWatch Logs may encrypt with this key. CloudWatch Logs is the
   * one service here that uses the key as itself rather than on a caller's behalf.
   */
  logGroupNamePrefixes?: string[];
  /** Other service principals allowed to use the key, limited to this account (e.g. SNS for CodePipeline). */
  servicePrincipals?: string[];
}

export interface KmsKey {
  key: aws.kms.Key;
  alias: aws.kms.Alias;
}

/**
 * A customer-managed key with rotation on. The account root keeps administration and may delegate use
 * through IAM policies; each role's own policy then grants only what it needs.
 */
export function kmsKey(name: string, args: KmsKeyArgs, parent: pulumi.Resource): KmsKey {
  const root = pulumi.interpolate`arn:${args.ctx.partition}:iam::${args.ctx.accountId}:root`;
  const statements: Statement[] = [
    { Sid: "AccountAdministersKey", Principal: { AWS: root }, Action: ADMIN_ACTIONS, Resource: "*" },
    { Sid: "AccountDelegatesUseThroughIam", Principal: { AWS: root }, Action: USE_ACTIONS, Resource: "*" },
  ];
  if (args.logGroupNamePrefixes?.length) {
    statements.push({
      Sid: "CloudWatchLogsEncryptsOwnLogGroups",
      Principal: { Service: `logs.${args.ctx.region}.amazonaws.com` },
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": args.logGroupNamePrefixes.map((prefix) =>
            arn(args.ctx, "logs", `log-group:${prefix}*`),
          ),
        },
      },
    });
  }
  if (args.servicePrincipals?.length) {
    statements.push({
      Sid: "ServicesUseKeyForThisAccount",
      Principal: { Service: args.servicePrincipals },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": args.ctx.accountId } },
    });
  }
  const key = new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policyDocument(statements),
      tags: args.tags,
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
