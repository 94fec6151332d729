import { documentStatements, POLICY_DOCUMENTS } from "../lib/policy-documents";
import { list, stackRule, type Props } from "../lib/rule";

/** Conditions that pin a `*` principal to known accounts or an organization. */
const ACCOUNT_KEYS = ["aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount"];

function pinsAccounts(condition: Props | undefined): boolean {
  return Object.values(condition ?? {}).some((block) =>
    Object.keys((block ?? {}) as Props).some((key) => ACCOUNT_KEYS.includes(key.toLowerCase())),
  );
}

const isEveryone = (principal: unknown) =>
  principal === "*" || list((principal as Props | undefined)?.AWS).some((p) => String(p) === "*");

export const resourcePolicyPrincipals = stackRule(
  {
    name: "aws-iam-resource-policy-principals-exact",
    description:
      "Trust and resource policies (roles, buckets, keys, queues, topics, model package groups, VPC endpoints, event buses, log and repository policies) name exact principals: a * principal only with an aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn or aws:SourceAccount condition.",
    severity: "critical",
    remediation:
      "Name the other account's root and the exact roles in an aws:PrincipalArn condition, or pin * to accounts or your organization.",
    externalIds: [
      "CKV_AWS_70",
      "CKV_AWS_33",
      "iam-role-trust-policy-no-wildcard (cfn-guard)",
      "s3-bucket-policy-grantee-check",
    ],
  },
  (resources, _args, report) => {
    for (const resource of resources.filter((r) => r.type in POLICY_DOCUMENTS)) {
      for (const statement of documentStatements(resource)) {
        if (
          statement.Effect !== "Allow" ||
          !isEveryone(statement.Principal) ||
          pinsAccounts(statement.Condition)
        )
          continue;
        const sid = statement.Sid ? ` (${String(statement.Sid)})` : "";
        report(`${resource.name}: the policy allows any principal of any account${sid}.`, resource.urn);
      }
    }
  },
);
