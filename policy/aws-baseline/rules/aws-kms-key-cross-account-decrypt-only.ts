import * as aws from "../lib/aws";
import { list, resourceRule, statementsOf, type Props } from "../lib/rule";

/** Actions another account may be given on a key: reading what was encrypted for it, nothing more. */
const CROSS_ACCOUNT_ALLOWED = ["kms:decrypt", "kms:describekey"];

const accountOf = (principal: string) =>
  /^arn:aws[\w-]*:iam::(\d{12}):/.exec(principal)?.[1] ??
  (/^\d{12}$/.test(principal) ? principal : undefined);

/** The key's own accounts: those whose principals administer it (may change its policy). */
function ownerAccounts(statements: Props[]): Set<string> {
  const owners = new Set<string>();
  for (const s of statements) {
    const actions = list(s.Action).map((a) => String(a).toLowerCase());
    if (s.Effect !== "Allow" || !actions.some((a) => a === "kms:*" || a === "kms:putkeypolicy")) continue;
    list(s.Principal?.AWS)
      .map(String)
      .map(accountOf)
      .forEach((a) => a && owners.add(a));
  }
  return owners;
}

export const kmsCrossAccount = resourceRule(
  {
    name: "aws-kms-key-cross-account-decrypt-only",
    description:
      "A key policy gives another account's principals at most kms:Decrypt and kms:DescribeKey; encryption and administration stay with the key's own account.",
    severity: "high",
    remediation:
      "Grant other accounts only kms:Decrypt, ideally through one service (a kms:ViaService condition).",
    externalIds: ["CKV_AWS_33 (related)", "kms-key-policy-cross-account (AWS Well-Architected SEC08)"],
  },
  aws.kms.Key,
  (props, _args, report) => {
    const statements = statementsOf(props.policy);
    const owners = ownerAccounts(statements);
    if (owners.size === 0) return; // no administrator statement: the key's account cannot be told
    for (const s of statements.filter((x) => x.Effect === "Allow")) {
      const foreign = list(s.Principal?.AWS)
        .map(String)
        .map(accountOf)
        .filter((a) => a && !owners.has(a));
      if (foreign.length === 0) continue;
      const extra = list(s.Action)
        .map(String)
        .filter((a) => !CROSS_ACCOUNT_ALLOWED.includes(a.toLowerCase()));
      if (extra.length > 0)
        report(
          `Account ${foreign.join(", ")} may ${extra.join(", ")} with this key; other accounts may only decrypt.`,
        );
    }
  },
);
