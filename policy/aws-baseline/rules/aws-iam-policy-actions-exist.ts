import { unknownAction } from "../iam-catalogue";
import { actionsOf, documentStatements, POLICY_DOCUMENTS } from "../lib/policy-documents";
import { stackRule } from "../lib/rule";

export const iamActionsExist = stackRule(
  {
    name: "aws-iam-policy-actions-exist",
    description:
      "Every action named in an identity, trust or resource policy (and in a Lambda permission) exists in IAM's action catalogue: IAM accepts a misspelt action, which then grants or denies nothing.",
    severity: "high",
    remediation:
      "Correct the action to the name the Service Authorization Reference gives (the message suggests the closest one).",
    externalIds: ["IAM Access Analyzer policy validation: UNKNOWN_ACTION (no Checkov or AWS Config rule)"],
  },
  async (resources, _args, report) => {
    for (const resource of resources) {
      const actions =
        resource.type === "aws:lambda/permission:Permission"
          ? [String(resource.props.action ?? "")]
          : resource.type in POLICY_DOCUMENTS
            ? documentStatements(resource).flatMap(actionsOf)
            : [];
      for (const action of new Set(actions)) {
        const problem = await unknownAction(action);
        if (problem) report(`${resource.name}: ${problem}.`, resource.urn);
      }
    }
  },
);
