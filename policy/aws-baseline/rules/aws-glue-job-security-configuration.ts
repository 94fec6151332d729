import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const glueSecurity = resourceRule(
  {
    name: "aws-glue-job-security-configuration",
    description:
      "Glue jobs run with a security configuration that encrypts their S3 output, logs and bookmarks.",
    severity: "high",
    remediation: "Set securityConfiguration on the Job to a SecurityConfiguration using SSE-KMS / CSE-KMS.",
    externalIds: ["CKV_AWS_195", "glue-job-logging-enabled (encryption part)"],
  },
  aws.glue.Job,
  (props, _args, report) => {
    if (!props.securityConfiguration) report("The Glue job has no security configuration.");
  },
);
