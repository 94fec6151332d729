import * as aws from "../lib/aws";
import { list, resourceRule, statementsOf } from "../lib/rule";

export const kmsPrincipal = resourceRule(
  {
    name: "aws-kms-key-no-wildcard-principal",
    description: "Key policies never allow everyone (principal *) without a condition.",
    severity: "critical",
    remediation: "Name the account root, roles or service principals in the key policy.",
    externalIds: ["CKV_AWS_33", "kms-key-policy-no-public-access (cfn-guard)"],
  },
  aws.kms.Key,
  (props, _args, report) => {
    for (const s of statementsOf(props.policy)) {
      const principals = s.Principal === "*" ? ["*"] : list(s.Principal?.AWS).map(String);
      if (s.Effect === "Allow" && principals.includes("*") && !s.Condition)
        report("The key policy allows every principal.");
    }
  },
);
