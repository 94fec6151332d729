import type { PolicyResource } from "@pulumi/policy";
import { globToRegExp } from "./lib/iam";
import { list, ofType, statementsOf, type Props } from "./lib/rule";

/** A key of the stack with every statement of its policy (inline or a separate KeyPolicy). */
export interface StackKey {
  key: PolicyResource;
  statements: Props[];
}

/** The stack's keys by every name a resource may use for them: key ARN, key ID, alias name, alias ARN. */
export function keysByReference(resources: PolicyResource[]): Map<string, StackKey> {
  const byId = new Map<string, StackKey>();
  for (const key of ofType(resources, "aws:kms/key:Key")) {
    const entry = { key, statements: statementsOf(key.props.policy) };
    for (const id of [key.props.arn, key.props.keyId, key.props.id]) if (id) byId.set(String(id), entry);
  }
  for (const policy of ofType(resources, "aws:kms/keyPolicy:KeyPolicy"))
    byId.get(String(policy.props.keyId))?.statements.push(...statementsOf(policy.props.policy));
  for (const alias of ofType(resources, "aws:kms/alias:Alias")) {
    const target = byId.get(String(alias.props.targetKeyArn ?? alias.props.targetKeyId));
    if (!target) continue;
    for (const id of [alias.props.name, alias.props.arn]) if (id) byId.set(String(id), target);
  }
  return byId;
}

/** The actions of `needed` that no Allow statement grants to a service principal matching `service`. */
export function missingServiceGrants(statements: Props[], service: RegExp, needed: string[]): string[] {
  const grants = statements.filter(
    (s) =>
      s.Effect === "Allow" &&
      list((s.Principal as Props | undefined)?.Service).some((p) => service.test(String(p))),
  );
  const granted = grants.flatMap((s) => list(s.Action).map((a) => globToRegExp(String(a))));
  return needed.filter((action) => !granted.some((pattern) => pattern.test(action)));
}

/** An AWS managed key's alias (`alias/aws/sns`): its policy lets only its own service use it. */
export const isAwsManagedAlias = (reference: string) => /(^|:)alias\/aws\//.test(reference);

const PUBLISH = ["kms:GenerateDataKey", "kms:Decrypt"];

/**
 * Services that use a key as themselves, not through a role, and what they need of it (the
 * program's infra/shared/service-principals.ts states the same facts; a test holds them equal):
 * - CloudWatch alarms and EventBridge publishing to an encrypted topic:
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * - EventBridge delivering to an encrypted queue (a target or a rule's dead-letter queue):
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * - CloudWatch Logs encrypting a log group:
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export const SERVICE_KEY_USE = {
  alarms: {
    principal: "cloudwatch.amazonaws.com",
    pattern: /^cloudwatch\.amazonaws\.com$/,
    actions: PUBLISH,
  },
  events: { principal: "events.amazonaws.com", pattern: /^events\.amazonaws\.com$/, actions: PUBLISH },
  logs: {
    principal: "logs.<region>.amazonaws.com",
    pattern: /^logs(\.[a-z0-9-]+)?\.amazonaws\.com$/,
    actions: [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:GenerateDataKey",
      "kms:DescribeKey",
    ],
  },
};
