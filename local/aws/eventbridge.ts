import { BEHAVIOURS } from "./behaviour";
import { decide, type PolicyDocument } from "./iam/evaluator";
import type { StackIam } from "./iam/stack-iam";

/**
 * EventBridge's rules for a rule whose target is the event bus of another account
 * (BEHAVIOURS.eventBridgeCrossAccount): the target sends with a role of the sender's account, that
 * role's policy allows events:PutEvents on the bus, the bus's resource policy lets the role (or its
 * account) put events, and the target transforms nothing. Given the sending stack and the receiving
 * stack as deployed, what EventBridge would refuse or silently drop, one line each.
 */

const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy";

interface BusTarget {
  arn: string;
  roleArn?: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: unknown;
}

/** Policies that allow PutEvents to anyone, to judge the other side of a request alone. */
const ANY_PUT: PolicyDocument = {
  Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }],
};
const ANYONE_PUTS: PolicyDocument = {
  Statement: [{ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: "*" }],
};

const accountOf = (arn: string) => arn.split(":")[4];

/** The receiving account's policy for one of its buses (`event-bus/<name>`), if it has one. */
function busPolicy(receiver: StackIam, busArn: string): PolicyDocument | undefined {
  const name = busArn.split("/").pop();
  const found = receiver.ofType(BUS_POLICY).find((p) => String(p.inputs.eventBusName ?? "default") === name);
  return found ? (JSON.parse(String(found.inputs.policy)) as PolicyDocument) : undefined;
}

function targetProblems(target: BusTarget, sender: StackIam, receiver: StackIam): string[] {
  const where = `the target ${target.arn}`;
  const source = BEHAVIOURS.eventBridgeCrossAccount.source;
  if (target.input || target.inputPath || target.inputTransformer)
    return [
      `${where}: Input, InputPath and InputTransformer are not available when the target is an event bus of a different account (${source})`,
    ];
  if (!target.roleArn)
    return [`${where} has no RoleArn: events to another account's bus are sent with a role (${source})`];
  const request = {
    principal: target.roleArn,
    action: "events:PutEvents",
    resource: target.arn,
    because: "deliver the rule's events",
    resourceAccount: accountOf(target.arn),
  };
  // Across accounts both policies must allow: each is judged with the other granting everything.
  const identity = decide(request, {
    identity: sender.identityPolicies(target.roleArn),
    resource: ANYONE_PUTS,
  });
  const resource = decide(request, { identity: [ANY_PUT], resource: busPolicy(receiver, target.arn) });
  const problems: string[] = [];
  if (identity !== "Allowed")
    problems.push(`${where}: the role ${target.roleArn} is not allowed events:PutEvents on the bus`);
  if (resource !== "Allowed")
    problems.push(
      `${where}: the bus's policy does not let ${target.roleArn} put events, so EventBridge drops them`,
    );
  return problems;
}

export function crossAccountDeliveryRefused(sender: StackIam, receiver: StackIam): string[] {
  return sender
    .ofType(TARGET)
    .map((t) => t.inputs as unknown as BusTarget)
    .filter(
      (t) =>
        String(t.arn).includes(":event-bus/") &&
        accountOf(String(t.arn)) === receiver.account &&
        receiver.account !== sender.account,
    )
    .flatMap((t) => targetProblems(t, sender, receiver));
}
