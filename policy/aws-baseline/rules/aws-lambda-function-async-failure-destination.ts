import type { PolicyResource } from "@pulumi/policy";
import { list, ofType, stackRule, type Props } from "../lib/rule";

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → the function's name. */
const functionName = (arn: unknown) =>
  /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(String(arn))?.[1];

/** The functions each asynchronous source (EventBridge, S3, SNS) invokes, with the source's name. */
function asyncInvocations(resources: PolicyResource[]): { fn: string; source: string }[] {
  const found: { fn: string; source: string }[] = [];
  for (const target of ofType(resources, "aws:cloudwatch/eventTarget:EventTarget"))
    found.push({ fn: String(functionName(target.props.arn)), source: `EventBridge target ${target.name}` });
  for (const notification of ofType(resources, "aws:s3/bucketNotification:BucketNotification"))
    for (const entry of list(notification.props.lambdaFunctions) as Props[])
      found.push({
        fn: String(functionName(entry.lambdaFunctionArn)),
        source: `S3 notification ${notification.name}`,
      });
  for (const subscription of ofType(resources, "aws:sns/topicSubscription:TopicSubscription"))
    if (subscription.props.protocol === "lambda")
      found.push({
        fn: String(functionName(subscription.props.endpoint)),
        source: `SNS subscription ${subscription.name}`,
      });
  return found.filter((i) => i.fn !== "undefined");
}

/** Function names (and ARNs) that keep failed asynchronous events: a DLQ or an on-failure destination. */
function keepsFailures(resources: PolicyResource[]): Set<string> {
  const keeps = new Set<string>();
  for (const fn of ofType(resources, "aws:lambda/function:Function"))
    if (fn.props.deadLetterConfig?.targetArn) keeps.add(String(fn.props.name));
  for (const config of ofType(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"))
    if (config.props.destinationConfig?.onFailure?.destination)
      keeps.add(functionName(config.props.functionName) ?? String(config.props.functionName));
  return keeps;
}

export const lambdaAsyncFailureDestination = stackRule(
  {
    name: "aws-lambda-function-async-failure-destination",
    description:
      "Every function of the stack invoked asynchronously (an EventBridge target, an S3 notification, an SNS subscription) keeps the events it fails on: an on-failure destination or a dead-letter queue. Otherwise Lambda drops them after two retries.",
    severity: "medium",
    remediation:
      "Add a FunctionEventInvokeConfig with destinationConfig.onFailure (an SQS queue or SNS topic the function's role may send to), or deadLetterConfig on the function.",
    externalIds: ["CKV_AWS_116", "lambda-dlq-check"],
  },
  (resources, _args, report) => {
    const keeps = keepsFailures(resources);
    const inStack = new Map(
      ofType(resources, "aws:lambda/function:Function").map((f) => [String(f.props.name), f]),
    );
    for (const { fn, source } of asyncInvocations(resources)) {
      const resource = inStack.get(fn);
      if (resource && !keeps.has(fn))
        report(
          `Function ${fn} is invoked asynchronously by ${source} and keeps no failed events (no on-failure destination, no dead-letter queue).`,
          resource.urn,
        );
    }
  },
);
