import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaEnvKms = resourceRule(
  {
    name: "aws-lambda-function-environment-kms",
    description: "Functions with environment variables encrypt them with a customer-managed key.",
    severity: "medium",
    remediation: "Set kmsKeyArn on the function to a customer-managed key.",
    externalIds: ["CKV_AWS_173"],
  },
  aws.lambda.Function,
  (props, _args, report) => {
    if (Object.keys(props.environment?.variables ?? {}).length > 0 && !props.kmsKeyArn)
      report("Environment variables are not encrypted with a customer key.");
  },
);
