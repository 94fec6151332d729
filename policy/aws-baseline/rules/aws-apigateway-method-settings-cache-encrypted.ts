import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const apigwCache = resourceRule(
  {
    name: "aws-apigateway-method-settings-cache-encrypted",
    description: "API method settings encrypt cached responses.",
    severity: "medium",
    remediation: "Set settings.cacheDataEncrypted: true on the MethodSettings.",
    externalIds: ["CKV_AWS_120", "api-gw-cache-enabled-and-encrypted"],
  },
  aws.apigateway.MethodSettings,
  (props, _args, report) => {
    if (props.settings?.cacheDataEncrypted !== true) report("Cached API responses would not be encrypted.");
  },
);
