import { wildcardActions, unscopedGrants } from "../lib/iam";
import { stackRule } from "../lib/rule";

const POLICY_TYPES = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];

export const iamWildcard = stackRule(
  {
    name: "aws-iam-policy-no-wildcard-actions",
    description:
      "Identity policies name their actions (no * or service:*) and scope resources, except for actions IAM cannot scope.",
    severity: "critical",
    remediation: "List the exact actions and the ARNs they apply to.",
    externalIds: [
      "CKV_AWS_62",
      "CKV_AWS_63",
      "CKV_AWS_290",
      "CKV_AWS_355",
      "iam-policy-no-statements-with-admin-access",
      "iam-policy-no-statements-with-full-access",
    ],
  },
  (resources, _args, report) => {
    for (const r of resources.filter((x) => POLICY_TYPES.includes(x.type))) {
      for (const action of wildcardActions(r.props.policy)) report(`${r.name} allows ${action}.`, r.urn);
      for (const action of unscopedGrants(r.props.policy))
        report(`${r.name} allows ${action} on every resource.`, r.urn);
    }
  },
);
