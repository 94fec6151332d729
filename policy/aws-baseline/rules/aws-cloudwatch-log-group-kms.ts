import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const logsKms = resourceRule(
  {
    name: "aws-cloudwatch-log-group-kms",
    description: "Log groups are encrypted with a customer-managed key.",
    severity: "medium",
    remediation:
      "Set kmsKeyId on the LogGroup to a customer-managed key whose policy lets CloudWatch Logs use it.",
    externalIds: ["CKV_AWS_158", "cloudwatch-log-group-encrypted"],
  },
  aws.cloudwatch.LogGroup,
  (props, _args, report) => {
    if (!props.kmsKeyId) report("The log group is not encrypted with a customer key.");
  },
);
