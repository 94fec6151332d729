import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const apigwAuth = resourceRule(
  {
    name: "aws-apigateway-method-authorization",
    description: "API methods require an authorizer, IAM authorization or an API key.",
    severity: "high",
    remediation:
      "Set authorization (AWS_IAM, COGNITO_USER_POOLS, CUSTOM) or apiKeyRequired: true on the Method.",
    externalIds: ["CKV_AWS_59", "api-gw-method-auth (cfn-guard)"],
  },
  aws.apigateway.Method,
  (props, _args, report) => {
    if (
      (props.authorization ?? "NONE") === "NONE" &&
      props.apiKeyRequired !== true &&
      props.httpMethod !== "OPTIONS"
    ) {
      report(`${props.httpMethod} is open to anyone: no authorization and no API key.`);
    }
  },
);
