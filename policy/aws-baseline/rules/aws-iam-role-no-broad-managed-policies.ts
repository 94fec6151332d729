import { BROAD_MANAGED_POLICY } from "../lib/iam";
import { list, stackRule } from "../lib/rule";

export const iamNoBroadManagedPolicies = stackRule(
  {
    name: "aws-iam-role-no-broad-managed-policies",
    description: "No role carries AdministratorAccess, PowerUserAccess or a *FullAccess managed policy.",
    severity: "critical",
    remediation: "Replace the managed policy with an inline policy listing what the role needs.",
    externalIds: ["CKV_AWS_274", "iam-policy-blacklisted-check", "iam-no-admin-access (Pulumi AWSGuard)"],
  },
  (resources, _args, report) => {
    for (const r of resources) {
      const arns =
        r.type === "aws:iam/role:Role"
          ? list(r.props.managedPolicyArns)
          : r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" ||
              r.type === "aws:iam/policyAttachment:PolicyAttachment"
            ? list(r.props.policyArn)
            : [];
      for (const arn of arns.map(String))
        if (BROAD_MANAGED_POLICY.test(arn)) report(`${r.name} attaches ${arn}.`, r.urn);
    }
  },
);
