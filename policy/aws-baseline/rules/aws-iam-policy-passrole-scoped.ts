import * as aws from "../lib/aws";
import { passRoleProblems } from "../lib/iam";
import { resourceRule } from "../lib/rule";

export const iamPassRole = resourceRule(
  {
    name: "aws-iam-policy-passrole-scoped",
    description:
      "iam:PassRole names the roles and the one service they may be passed to (iam:PassedToService).",
    severity: "critical",
    remediation: "Name the role's ARN in iam:PassRole and limit it with an iam:PassedToService condition.",
    externalIds: ["CKV_AWS_286", "iam-passrole-wildcard (cfn-guard)"],
  },
  aws.iam.RolePolicy,
  (props, _args, report) => {
    for (const problem of passRoleProblems(props.policy)) report(problem);
  },
);
