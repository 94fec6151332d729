import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const lambdaNoPublicInvoke = resourceRule(
  {
    name: "aws-lambda-permission-no-public-invoke",
    description: "No permission lets anyone (principal *) invoke a function.",
    severity: "critical",
    remediation:
      "Grant lambda:InvokeFunction to a service principal with a sourceArn, or to a specific account.",
    externalIds: ["CKV_AWS_301", "lambda-function-public-access-prohibited"],
  },
  aws.lambda.Permission,
  (props, _args, report) => {
    if (props.principal === "*") report(`Function ${props.function} may be invoked by anyone.`);
  },
);
