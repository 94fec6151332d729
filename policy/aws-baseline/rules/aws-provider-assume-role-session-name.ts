import type * as aws from "../lib/aws";
import { list, providerRule, type Props } from "../lib/rule";

/** Provider inputs that are not strings reach policies JSON-encoded, whatever their declared type. */
function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export const providerSessionName = providerRule<aws.ProviderArgs>(
  {
    name: "aws-provider-assume-role-session-name",
    description:
      "An AWS provider that assumes a role names its session, so CloudTrail shows who deployed and the role's trust can require that name (sts:RoleSessionName).",
    severity: "medium",
    remediation: "Give each assumeRoles entry of the provider a fixed sessionName.",
    externalIds: ["no trusted-tool rule: Pulumi provider configuration"],
  },
  "pulumi:providers:aws",
  (props, _args, report) => {
    const roles = list(decoded(props.assumeRoles)) as Props[];
    for (const role of roles) {
      if (!role?.sessionName)
        report(`The provider assumes ${String(role?.roleArn ?? "a role")} without a session name.`);
    }
  },
);
