import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaRuntime = resourceRule(
  {
    name: "aws-lambda-function-supported-runtime",
    description:
      "Functions use a runtime AWS still supports (a deprecated one, such as python3.7, gets no security updates).",
    severity: "medium",
    remediation: "Move the function to a runtime in allowedRuntimes.",
    externalIds: ["CKV_AWS_363", "lambda-function-settings-check"],
    configSchema: {
      properties: {
        allowedRuntimes: {
          type: "array",
          items: { type: "string" },
          default: ["nodejs20.x", "nodejs22.x", "nodejs24.x", "python3.11", "python3.12", "python3.13"],
        },
      },
    },
  },
  aws.lambda.Function,
  (props, args, report) => {
    const { allowedRuntimes } = args.getConfig<{ allowedRuntimes: string[] }>();
    if (props.runtime && !allowedRuntimes.includes(props.runtime))
      report(`Runtime ${props.runtime} is not supported; use one of ${allowedRuntimes.join(", ")}.`);
  },
);
