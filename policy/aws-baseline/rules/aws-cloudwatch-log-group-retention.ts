import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const logsRetention = resourceRule(
  {
    name: "aws-cloudwatch-log-group-retention",
    description: "Log groups expire, and are kept at least the configured number of days.",
    severity: "low",
    remediation: "Set retentionInDays (mlops:logRetentionDays).",
    externalIds: ["CKV_AWS_338", "cw-loggroup-retention-period-check"],
    configSchema: { properties: { minRetentionDays: { type: "integer", minimum: 1, default: 30 } } },
  },
  aws.cloudwatch.LogGroup,
  (props, args, report) => {
    const { minRetentionDays } = args.getConfig<{ minRetentionDays: number }>();
    if (!props.retentionInDays) report("The log group keeps logs forever.");
    else if (props.retentionInDays < minRetentionDays)
      report(`Logs are kept ${props.retentionInDays} days; at least ${minRetentionDays} are required.`);
  },
);
