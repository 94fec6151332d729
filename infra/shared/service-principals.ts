/**
 * What AWS services send when they act for this program, from each service's documentation. A
 * condition on a key a service does not send makes a grant useless (a role nobody can assume, a key
 * no service can use), and that fails only on AWS; so trust and key policies take their confused-
 * deputy conditions from here, and the contract tests simulate each service with exactly these keys.
 */

/** Services that assume the program's roles. */
export type AssumingService =
  | "sagemaker.amazonaws.com"
  | "glue.amazonaws.com"
  | "states.amazonaws.com"
  | "lambda.amazonaws.com"
  | "codebuild.amazonaws.com"
  | "codepipeline.amazonaws.com"
  | "events.amazonaws.com"
  | "apigateway.amazonaws.com";

export interface AssumeRoleFacts {
  /** The service sets `aws:SourceAccount` when it assumes a role, so a trust policy may require it. */
  sendsSourceAccount: boolean;
  /** Where the service documents its role's trust policy. */
  source: string;
}

export const ASSUME_ROLE: Record<AssumingService, AssumeRoleFacts> = {
  // Trust policy examples with aws:SourceAccount / aws:SourceArn for training, processing (Model
  // Monitor), batch transform and inference.
  "sagemaker.amazonaws.com": {
    sendsSourceAccount: true,
    source: "https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html",
  },
  "states.amazonaws.com": {
    sendsSourceAccount: true,
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
  },
  "codebuild.amazonaws.com": {
    sendsSourceAccount: true,
    source: "https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html",
  },
  // The services below document their role's trust policy without conditions and do not document
  // sending the keys when they assume it; a condition there would lock the service out.
  "glue.amazonaws.com": {
    sendsSourceAccount: false,
    source: "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html",
  },
  "lambda.amazonaws.com": {
    sendsSourceAccount: false,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
  },
  "codepipeline.amazonaws.com": {
    sendsSourceAccount: false,
    source:
      "https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html",
  },
  "events.amazonaws.com": {
    sendsSourceAccount: false,
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html",
  },
  "apigateway.amazonaws.com": {
    sendsSourceAccount: false,
    source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
  },
};

/** A service that uses the project key as itself, not through a role of ours. */
export interface KeyUseFacts {
  /** `{region}` stands for the stack's region. */
  principal: string;
  actions: string[];
  /** Global condition keys the service sends with its KMS calls. */
  sends: ("aws:SourceAccount" | "aws:SourceArn")[];
  /** The encryption context key the service's KMS calls carry, if the grant is scoped by it. */
  encryptionContext?: string;
  source: string;
}

export const KEY_USE = {
  /** CloudWatch Logs encrypts log groups: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html */
  logs: {
    principal: "logs.{region}.amazonaws.com",
    actions: [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:GenerateDataKey",
      "kms:DescribeKey",
    ],
    sends: [],
    encryptionContext: "aws:logs:arn",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  },
  /** CloudWatch alarms publishing to an encrypted SNS topic (the drift and dead-letter alarms). */
  alarms: {
    principal: "cloudwatch.amazonaws.com",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    sends: [],
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
  },
  /** EventBridge sending undeliverable events to the encrypted dead-letter queue. */
  events: {
    principal: "events.amazonaws.com",
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    sends: ["aws:SourceArn", "aws:SourceAccount"],
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
  },
  /** Log delivery for a state machine encrypted with a customer-managed key. */
  logDelivery: {
    principal: "delivery.logs.amazonaws.com",
    actions: ["kms:Decrypt"],
    sends: ["aws:SourceAccount", "aws:SourceArn"],
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html",
  },
} satisfies Record<string, KeyUseFacts>;

export type KeyUser = keyof typeof KEY_USE;

export const keyUsePrincipal = (user: KeyUser, region: string) =>
  KEY_USE[user].principal.replace("{region}", region);
