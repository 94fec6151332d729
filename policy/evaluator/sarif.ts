import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Rule } from "../shared/rule";
import type { EvaluationResult, Pack, Violation } from "./evaluate";

/**
 * The evaluation as SARIF 2.1.0, the format CI systems and code-scanning UIs (GitHub, Azure DevOps,
 * VS Code's SARIF viewer) read: one rule per policy with its severity, description and remediation,
 * one result per violation located at the resource's URN. A policy violation has no source line, so
 * the physical location is the program's entry module and the URN is the logical location.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */

export interface SarifContext {
  /** The stack whose config the program ran with. */
  stack: string;
  /** The program's entry module, relative to the repository root (the artifact results point at). */
  program: string;
}

// GitHub code scanning ranks `security-severity`: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium.
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

const packVersion = (pack: Pack) =>
  (JSON.parse(readFileSync(join(pack.dir, "package.json"), "utf8")) as { version: string }).version;

function descriptor(pack: Pack, rule: Rule): ReportingDescriptor {
  return {
    id: rule.name,
    shortDescription: { text: rule.meta.description },
    help: { text: rule.meta.remediation },
    defaultConfiguration: { level: "warning" },
    properties: {
      pack: pack.name,
      severity: rule.meta.severity,
      "security-severity": SECURITY_SEVERITY[rule.meta.severity],
      tags: ["security", "pulumi-policy", ...rule.meta.externalIds],
    },
  };
}

function result(violation: Violation, ruleIndex: number, context: SarifContext): Result {
  const fingerprint = createHash("sha256")
    .update(`${violation.policy}\n${violation.urn}\n${violation.message}`)
    .digest("hex");
  return {
    ruleId: violation.policy,
    ruleIndex,
    level: violation.enforcementLevel === "mandatory" ? "error" : "warning",
    message: { text: violation.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: context.program, uriBaseId: "%SRCROOT%" } },
        logicalLocations: [
          { fullyQualifiedName: violation.urn, name: violation.urn.split("::").pop(), kind: "resource" },
        ],
      },
    ],
    partialFingerprints: { "policyViolation/v1": fingerprint },
    properties: { pack: violation.pack, enforcementLevel: violation.enforcementLevel },
  };
}

export function toSarif(evaluation: EvaluationResult, packs: Pack[], context: SarifContext): Log {
  const rules = packs.flatMap((pack) => pack.policies.map((rule) => descriptor(pack, rule)));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlops-policy",
            version: packs.map((pack) => `${pack.name}@${packVersion(pack)}`).join(" "),
            informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
            rules,
          },
        },
        automationDetails: { id: `mlops-policy/${context.stack}/` },
        invocations: [{ executionSuccessful: true }],
        results: evaluation.violations.map((v) => result(v, index.get(v.policy) ?? -1, context)),
        properties: {
          stack: context.stack,
          resources: evaluation.resources,
          components: evaluation.components,
        },
      },
    ],
  };
}
