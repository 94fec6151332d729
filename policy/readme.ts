import { PACKS } from "./evaluator/evaluate";

/** policy/README.md, generated from the rules' own metadata so it never drifts from the code. */
export function policyReadme(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const sections = PACKS.map((pack) => {
    const rows = pack.policies.map(
      (rule) =>
        `| \`${rule.name}\` | ${rule.meta.severity} | ${cell(rule.meta.description)} | ${cell(rule.meta.remediation)} | ${cell(rule.meta.externalIds.join(", "))} |`,
    );
    return `## \`${pack.name}\` (\`policy/${pack.dir.split(/[\\/]/).pop()}\`)

| rule | severity | what it checks | how to fix | covers |
|---|---|---|---|---|
${rows.join("\n")}`;
  });
  const total = PACKS.reduce((n, p) => n + p.policies.length, 0);
  return `# Policy packs

${total} CrossGuard rules in ${PACKS.length} packs, one rule per file under \`<pack>/rules/\`. Each pack's
\`policies.ts\` lists its rules and \`index.ts\` only constructs the \`PolicyPack\` from that list, so the
offline evaluator can import the rules (a \`PolicyPack\` starts a gRPC server and never returns).

- With the Pulumi CLI: \`pulumi preview --policy-pack policy/ml-endpoints --policy-pack policy/aws-baseline\`
  (the pipeline's builds find every pack themselves). Every rule is advisory by default; each pack's
  \`prod.json\` makes them all mandatory, and the builds pass it for the prod stack:
  \`--policy-pack-config policy/<pack>/prod.json\`. Tunables (allowed instance types, minimum capture
  sampling, minimum instances, allowed runtimes, minimum log retention, privileged-build exceptions)
  are in each rule's config schema and can be set in the same config file.
- Offline, without the CLI or an account: \`npm run -s policy -- --stack <test|prod> [--json] [--preview]
  [--config key=value ...] [--program <module>]\`. It runs a program under the offline harness (ours by
  default; \`--program\` takes any module that declares resources when loaded, run with the named
  stack's config from this repository) and evaluates every rule as the CLI would. Exit 1 on a
  mandatory violation, 0 otherwise, 2 on a usage or program error.

"Covers" names the rules of Checkov (\`CKV_AWS_…\`), AWS Config managed rules and cfn-guard that the rule
checks for the resource types this program uses; where no trusted tool has a rule (SageMaker data
capture, deployment guardrails, monitoring coverage, interface endpoint policies) it says so.

${sections.join("\n\n")}

This file is generated: \`npm run policy:build\`.
`;
}
