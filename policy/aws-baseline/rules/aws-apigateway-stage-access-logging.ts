import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const apigwAccessLogs = resourceRule(
  {
    name: "aws-apigateway-stage-access-logging",
    description: "API stages write access logs.",
    severity: "medium",
    remediation: "Set accessLogSettings { destinationArn, format } on the Stage.",
    externalIds: ["CKV_AWS_76", "api-gw-execution-logging-enabled"],
  },
  aws.apigateway.Stage,
  (props, _args, report) => {
    if (!props.accessLogSettings?.destinationArn) report(`Stage ${props.stageName} writes no access logs.`);
  },
);
