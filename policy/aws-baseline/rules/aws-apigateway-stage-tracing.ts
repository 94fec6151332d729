import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const apigwTracing = resourceRule(
  {
    name: "aws-apigateway-stage-tracing",
    description: "API stages send X-Ray traces.",
    severity: "low",
    remediation: "Set xrayTracingEnabled: true on the Stage.",
    externalIds: ["CKV_AWS_73", "api-gw-xray-enabled"],
  },
  aws.apigateway.Stage,
  (props, _args, report) => {
    if (props.xrayTracingEnabled !== true) report(`Stage ${props.stageName} is not traced.`);
  },
);
