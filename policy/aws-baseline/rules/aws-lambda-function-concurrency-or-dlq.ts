import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaConcurrency = resourceRule(
  {
    name: "aws-lambda-function-concurrency-or-dlq",
    description: "Functions cap their concurrency or keep failed events in a dead-letter queue.",
    severity: "low",
    remediation: "Set reservedConcurrentExecutions, or deadLetterConfig (or a DLQ on the event source).",
    externalIds: ["CKV_AWS_115", "CKV_AWS_116", "lambda-concurrency-check", "lambda-dlq-check"],
  },
  aws.lambda.Function,
  (props, _args, report) => {
    const capped =
      typeof props.reservedConcurrentExecutions === "number" && props.reservedConcurrentExecutions >= 0;
    if (!capped && !props.deadLetterConfig?.targetArn)
      report("The function has neither a concurrency cap nor a dead-letter queue.");
  },
);
