import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaSourceArn = resourceRule(
  {
    name: "aws-lambda-permission-source-arn",
    description:
      "Permissions for AWS service principals name the source (rule, API, bucket) allowed to invoke.",
    severity: "high",
    remediation: "Set sourceArn on the Permission (the rule's ARN, the API's execution ARN, …).",
    externalIds: ["CKV_AWS_364", "lambda-permission-source-arn (cfn-guard)"],
  },
  aws.lambda.Permission,
  (props, _args, report) => {
    if (String(props.principal ?? "").endsWith(".amazonaws.com") && !props.sourceArn) {
      report(`${props.principal} may invoke ${props.function} on behalf of any resource (no sourceArn).`);
    }
  },
);
