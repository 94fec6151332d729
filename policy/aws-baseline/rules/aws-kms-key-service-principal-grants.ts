import type { PolicyResource } from "@pulumi/policy";
import { isAwsManagedAlias, keysByReference, missingServiceGrants, SERVICE_KEY_USE } from "../kms-grants";
import { list, ofType, stackRule } from "../lib/rule";

interface Use {
  /** The encrypted resource and the property naming its key. */
  target: PolicyResource;
  keyRef: unknown;
  sender: keyof typeof SERVICE_KEY_USE;
  /** Who sends, for the message (`alarms a, b`). */
  by: string;
}

const ALARMS = ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"];

function alarmsPublishingTo(resources: PolicyResource[], arn: unknown): string[] {
  return resources
    .filter((r) => ALARMS.includes(r.type))
    .filter((r) =>
      [r.props.alarmActions, r.props.okActions, r.props.insufficientDataActions]
        .flatMap(list)
        .some((a) => a === arn),
    )
    .map((r) => r.name);
}

function ruleTargetsOf(resources: PolicyResource[], arn: unknown): string[] {
  return ofType(resources, "aws:cloudwatch/eventTarget:EventTarget")
    .filter((t) => t.props.arn === arn || t.props.deadLetterConfig?.arn === arn)
    .map((t) => t.name);
}

function uses(resources: PolicyResource[]): Use[] {
  const found: Use[] = [];
  const add = (target: PolicyResource, keyRef: unknown, sender: Use["sender"], names: string[]) =>
    names.length && found.push({ target, keyRef, sender, by: names.join(", ") });
  for (const topic of ofType(resources, "aws:sns/topic:Topic")) {
    add(topic, topic.props.kmsMasterKeyId, "alarms", alarmsPublishingTo(resources, topic.props.arn));
    add(topic, topic.props.kmsMasterKeyId, "events", ruleTargetsOf(resources, topic.props.arn));
  }
  for (const queue of ofType(resources, "aws:sqs/queue:Queue"))
    add(queue, queue.props.kmsMasterKeyId, "events", ruleTargetsOf(resources, queue.props.arn));
  for (const group of ofType(resources, "aws:cloudwatch/logGroup:LogGroup"))
    add(group, group.props.kmsKeyId, "logs", [group.name]);
  return found.filter((use) => use.keyRef);
}

export const kmsServiceGrants = stackRule(
  {
    name: "aws-kms-key-service-principal-grants",
    description:
      "A key that encrypts a topic CloudWatch alarms or EventBridge publish to, a queue EventBridge delivers to, or a log group, lets that service principal use it (these services use the key as themselves, so no role can lend them the grant).",
    severity: "high",
    remediation:
      "Add a key policy statement allowing the service principal the actions named (scoped by the condition keys the service sends), or use a key whose policy does; never an AWS managed key (alias/aws/…).",
    externalIds: ["no trusted-tool rule: fails only when the service first uses the key"],
  },
  (resources, _args, report) => {
    const keys = keysByReference(resources);
    for (const use of uses(resources)) {
      const sender = SERVICE_KEY_USE[use.sender];
      const what =
        use.sender === "logs" ? `log group ${use.target.name}` : `${use.target.name} (used by ${use.by})`;
      const keyRef = String(use.keyRef);
      if (isAwsManagedAlias(keyRef)) {
        if (use.sender !== "logs")
          report(
            `${what} is encrypted with the AWS managed key ${keyRef}, which ${sender.principal} may not use.`,
            use.target.urn,
          );
        continue;
      }
      const key = keys.get(keyRef);
      if (!key) continue; // a key outside the stack: its policy cannot be seen here
      const missing = missingServiceGrants(key.statements, sender.pattern, sender.actions);
      if (missing.length)
        report(
          `Key ${key.key.name} encrypts ${what}, but its policy does not allow ${sender.principal} ${missing.join(", ")}.`,
          key.key.urn,
        );
    }
  },
);
