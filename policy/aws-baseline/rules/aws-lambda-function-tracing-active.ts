import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaTracing = resourceRule(
  {
    name: "aws-lambda-function-tracing-active",
    description: "Functions send X-Ray traces.",
    severity: "low",
    remediation: 'Set tracingConfig { mode: "Active" } on the function.',
    externalIds: ["CKV_AWS_50", "lambda-function-xray-enabled"],
  },
  aws.lambda.Function,
  (props, _args, report) => {
    if (props.tracingConfig?.mode !== "Active") report("X-Ray tracing is not active.");
  },
);
