import { strict as assert } from "node:assert";
import { KEY_USE, keyUsePrincipal, type KeyUser } from "../../infra/shared/service-principals";
import { MULTI_ACCOUNT, PROD_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";
import { denied, type IamRequest, type PolicyDocument } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";

/**
 * For every resource encrypted with the project key, the principal that must use the key (a service
 * acting as itself, or a role) is allowed by the key policy and, for a role, by its own policy. Each
 * service is simulated with exactly the condition keys its documentation says it sends.
 */

type Request = IamRequest;
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : ([] as T[]).concat(value));

/** A service using the key as itself, with the keys it sends. */
function serviceUse(
  preview: StackIam,
  user: KeyUser,
  key: string,
  because: string,
  values: { sourceArn?: string; encryptionContext?: string } = {},
): Request[] {
  const facts = KEY_USE[user];
  const context: Record<string, string> = {};
  if ((facts.sends as string[]).includes("aws:SourceAccount")) context["aws:SourceAccount"] = preview.account;
  if ((facts.sends as string[]).includes("aws:SourceArn") && values.sourceArn)
    context["aws:SourceArn"] = values.sourceArn;
  if ("encryptionContext" in facts && values.encryptionContext)
    context[`kms:EncryptionContext:${facts.encryptionContext}`] = values.encryptionContext;
  return facts.actions.map((action) => ({
    principal: keyUsePrincipal(user, preview.region),
    action,
    resource: key,
    context,
    because,
  }));
}

/** A role using the key through a service (`kms:ViaService`). */
function roleUse(
  preview: StackIam,
  roleArn: string,
  service: string,
  key: string,
  actions: string[],
  because: string,
  extra: Record<string, string> = {},
): Request[] {
  return actions.map((action) => ({
    principal: roleArn,
    action,
    resource: key,
    context: {
      "kms:ViaService": `${service}.${preview.region}.amazonaws.com`,
      "kms:CallerAccount": preview.account,
      ...extra,
    },
    because,
  }));
}

const state = (r: { wire?: { state: Record<string, unknown> }; inputs: Record<string, unknown> }) =>
  (r.wire?.state ?? r.inputs) as Record<string, unknown>;

/** Every use of a customer-managed key the stack's resources imply. */
function keyUses(preview: StackIam, keyOf: (arn: string | undefined) => string | undefined): Request[] {
  const requests: Request[] = [];
  const alarms = preview.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
  for (const topic of preview.ofType("aws:sns/topic:Topic")) {
    const key = keyOf(topic.inputs.kmsMasterKeyId as string | undefined);
    const topicArn = String(state(topic).arn);
    if (!key) continue;
    for (const alarm of alarms.filter((a) => list(a.inputs.alarmActions as string[]).includes(topicArn)))
      requests.push(...serviceUse(preview, "alarms", key, `alarm ${alarm.name} notifies ${topic.name}`));
    for (const pipeline of preview.ofType("aws:codepipeline/pipeline:Pipeline")) {
      const approvals = JSON.stringify(pipeline.inputs.stages).includes(topicArn);
      if (approvals)
        requests.push(
          ...roleUse(
            preview,
            String(pipeline.inputs.roleArn),
            "sns",
            key,
            ["kms:GenerateDataKey", "kms:Decrypt"],
            `the pipeline asks for approval on ${topic.name}`,
          ),
        );
    }
  }
  for (const queue of preview.ofType("aws:sqs/queue:Queue")) {
    const key = keyOf(queue.inputs.kmsMasterKeyId as string | undefined);
    const queueArn = String(state(queue).arn);
    if (!key) continue;
    for (const target of preview.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
      if ((target.inputs.deadLetterConfig as { arn?: string } | undefined)?.arn !== queueArn) continue;
      const rule = preview
        .ofType("aws:cloudwatch/eventRule:EventRule")
        .find((r) => state(r).name === target.inputs.rule)!;
      requests.push(
        ...serviceUse(preview, "events", key, `rule ${rule.name} dead-letters`, {
          sourceArn: String(state(rule).arn),
        }),
      );
    }
  }
  for (const group of preview.ofType("aws:cloudwatch/logGroup:LogGroup")) {
    const key = keyOf(group.inputs.kmsKeyId as string | undefined);
    if (key)
      requests.push(
        ...serviceUse(preview, "logs", key, `log group ${String(group.inputs.name)}`, {
          encryptionContext: String(state(group).arn),
        }),
      );
  }
  for (const machine of preview.ofType("aws:sfn/stateMachine:StateMachine")) {
    const key = keyOf(
      (machine.inputs.encryptionConfiguration as { kmsKeyId?: string } | undefined)?.kmsKeyId,
    );
    if (!key || !machine.inputs.loggingConfiguration) continue;
    const logs = `arn:aws:logs:${preview.region}:${preview.account}:*`;
    requests.push(
      ...serviceUse(preview, "logDelivery", key, `${machine.name} delivers its logs`, {
        sourceArn: `arn:aws:logs:${preview.region}:${preview.account}:delivery-source:${machine.name}`,
      }),
    );
    requests.push({
      principal: String(machine.inputs.roleArn),
      action: "kms:GenerateDataKey",
      resource: key,
      context: { "kms:EncryptionContext:SourceArn": logs, "kms:CallerAccount": preview.account },
      because: `${machine.name}'s role encrypts its log delivery`,
    });
  }
  return requests;
}

async function previews() {
  const test = new StackIam(await offline({ stack: "test" }));
  const prod = new StackIam(await offline({ stack: "prod" }));
  return { test, prod };
}

/** The project key's policy (declared by the test stack) with one statement changed. */
function withKeyPolicy(
  preview: StackIam,
  change: (statements: Record<string, unknown>[]) => Record<string, unknown>[],
) {
  return (r: Request) => {
    const policies = preview.policiesFor(r);
    if (!r.resource.includes(":kms:")) return policies;
    const doc = preview.keyPolicy(r.resource) as PolicyDocument;
    return {
      ...policies,
      resource: { ...doc, Statement: change(list(doc.Statement as Record<string, unknown>[])) },
    };
  };
}

describe("AWS contract: every user of the project key is allowed by the key policy (and its role)", function () {
  this.timeout(180_000);

  it("test stack: topics, the dead-letter queue, log groups and the state machine's log delivery", async () => {
    const { test } = await previews();
    const requests = keyUses(test, (arn) => (arn && test.keyArns().includes(arn) ? arn : undefined));
    const users = new Set(requests.map((r) => r.principal.split("/")[0]));
    for (const service of [
      "cloudwatch.amazonaws.com",
      "events.amazonaws.com",
      `logs.${test.region}.amazonaws.com`,
      "delivery.logs.amazonaws.com",
    ])
      assert.ok(users.has(service), `${service} uses the key`);
    assert.deepEqual(await denied(requests, (r) => test.policiesFor(r)), []);
  });

  it("prod stack: its alarms publish to a topic encrypted with the test stack's key, which allows them", async () => {
    const { test, prod } = await previews();
    const key = test.keyArns()[0];
    const requests = keyUses(prod, (arn) => (arn === key ? key : undefined));
    assert.ok(
      requests.some((r) => r.principal === "cloudwatch.amazonaws.com" && r.because.includes("drift")),
    );
    // The drift trigger's rule dead-letters to a queue under the same key.
    assert.ok(
      requests.some((r) => r.principal === "events.amazonaws.com" && r.because.includes("drift-retrain")),
      requests.map((r) => r.because).join("\n"),
    );
    assert.deepEqual(
      await denied(requests, (r) => ({ ...prod.policiesFor(r), resource: test.keyPolicy(key) })),
      [],
    );
  });

  it("prod stack in its own account: its alarms and log groups use production's key, which allows them", async () => {
    const prod = new StackIam(await offline({ stack: "prod", config: MULTI_ACCOUNT }));
    const [key] = prod.keyArns();
    assert.equal(key.split(":")[4], PROD_ACCOUNT);
    const requests = keyUses(prod, (arn) => (arn === key ? key : undefined));
    const users = new Set(requests.map((r) => r.principal));
    assert.ok(
      users.has("cloudwatch.amazonaws.com") && users.has(`logs.${prod.region}.amazonaws.com`),
      [...users].join(),
    );
    assert.deepEqual(await denied(requests, (r) => prod.policiesFor(r)), []);
  });

  describe("catches a planted defect", () => {
    it("no CloudWatch grant: drift and dead-letter alarms cannot publish (the alarms are dropped)", async () => {
      const { test } = await previews();
      const requests = keyUses(test, (arn) => (arn && test.keyArns().includes(arn) ? arn : undefined));
      const problems = await denied(
        requests,
        withKeyPolicy(test, (s) => s.filter((x) => x.Sid !== "CloudWatchAlarmsPublishToTopics")),
      );
      assert.ok(
        problems.some(
          (p) =>
            p.startsWith("cloudwatch.amazonaws.com may not kms:GenerateDataKey") &&
            p.includes("dead-letters-alarm"),
        ),
        problems.join("\n"),
      );
    });

    it("a condition on a key the service does not send makes the grant useless", async () => {
      const { test } = await previews();
      const requests = keyUses(test, (arn) => (arn && test.keyArns().includes(arn) ? arn : undefined));
      const scoped = withKeyPolicy(test, (s) =>
        s.map((x) =>
          x.Sid === "CloudWatchAlarmsPublishToTopics"
            ? { ...x, Condition: { StringEquals: { "aws:SourceAccount": test.account } } }
            : x,
        ),
      );
      assert.ok(
        (await denied(requests, scoped)).some((p) => p.startsWith("cloudwatch.amazonaws.com may not")),
      );
    });

    it("a log group outside the granted prefixes cannot be encrypted", async () => {
      const { test } = await previews();
      const key = test.keyArns()[0];
      const outside = serviceUse(test, "logs", key, "a log group elsewhere", {
        encryptionContext: `arn:aws:logs:${test.region}:${test.account}:log-group:/other/app`,
      });
      assert.equal((await denied(outside, (r) => test.policiesFor(r))).length, outside.length);
    });
  });
});
