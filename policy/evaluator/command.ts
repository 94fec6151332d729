import { Command, Option } from "commander";
import { relative, resolve } from "node:path";
import { describeCounts } from "../../tools/offline/counts";
import type { OfflineRun, OfflineRunOptions } from "../../tools/offline/harness";
import { runWithReferences } from "../../tools/offline/references";
import { OfflineUsageError } from "../../tools/offline/stack-files";
import { collect } from "../../tools/cli/cli-support";
import { evaluate, PACKS, packConfigFor, type EvaluationResult } from "./evaluate";
import { toSarif } from "./sarif";

/**
 * `npm run -s policy -- --stack <test|prod> [--format text|json|sarif] [--preview] [--config key=value ...] [--program <module>]`:
 * every policy of every pack over a program run offline. Returns 1 on a mandatory violation, 0
 * otherwise; usage and program errors are thrown (cli.ts makes them exit 2). Output goes to `write`
 * and the program runs through `runProgram`, so tests call the command in-process.
 */
export async function policyCommand(
  argv: string[],
  write: (text: string) => void,
  runProgram: (options: OfflineRunOptions) => Promise<OfflineRun> = runWithReferences,
): Promise<number> {
  const program = new Command("policy")
    .description("Evaluate the CrossGuard policy packs against a Pulumi program, offline")
    .requiredOption(
      "-s, --stack <name>",
      "stack whose config the program runs with (prod makes every rule mandatory)",
    )
    .addOption(
      new Option(
        "--format <format>",
        "text, json ({violations, resources, components, policies}) or sarif (SARIF 2.1.0)",
      )
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .option("--json", "the same as --format json; not with another --format")
    .option("--preview", "preview mode: unknown values are reported, not evaluated")
    .option("-c, --config <key=value>", "override a stack config value; repeatable", collect, [])
    .option(
      "--program <module>",
      "a module that declares resources when loaded (default: this project's program)",
    )
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    stack: string;
    format: "text" | "json" | "sarif";
    json?: boolean;
    preview?: boolean;
    config: string[];
    program?: string;
  }>();
  const format = outputFormat(options, program.getOptionValueSource("format") === "cli");
  const run = await runProgram({
    stack: options.stack,
    config: options.config,
    preview: options.preview,
    program: options.program && resolve(options.program),
  });
  const configs = Object.fromEntries(PACKS.map((pack) => [pack.name, packConfigFor(pack, options.stack)]));
  const result = await evaluate(run, PACKS, configs);
  if (format === "json") write(asJson(result));
  else if (format === "sarif") write(asSarif(result, options.stack, options.program));
  else write(asText(result, options.stack, options.preview));
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
  return mandatory.length > 0 ? 1 : 0;
}

/**
 * `--json` is shorthand for `--format json`; with another format given too, whichever won would
 * surprise someone (a SARIF upload fed JSON), so both are refused before the program runs.
 */
function outputFormat(
  options: { json?: boolean; format: "text" | "json" | "sarif" },
  formatGiven: boolean,
): "text" | "json" | "sarif" {
  if (!options.json) return options.format;
  if (formatGiven && options.format !== "json")
    throw new OfflineUsageError(
      `--json and --format ${options.format} conflict: --json is --format json; give one of them`,
    );
  return "json";
}

function asJson({ violations, resources, components, policies }: EvaluationResult): string {
  const listed = violations.map(({ pack, policy, enforcementLevel, urn, message }) => ({
    pack,
    policy,
    enforcementLevel,
    urn,
    message,
  }));
  return `${JSON.stringify({ violations: listed, resources, components, policies }, null, 2)}\n`;
}

/** Results point at the program's entry module, relative to where the CLI runs (the checkout). */
function asSarif(result: EvaluationResult, stack: string, programOption?: string): string {
  const entry = programOption ? resolve(programOption) : resolve(__dirname, "..", "..", "infra", "index.ts");
  const sarif = toSarif(result, PACKS, { stack, program: relative(process.cwd(), entry) });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function asText(result: EvaluationResult, stack: string, preview?: boolean): string {
  const lines = result.violations.map(
    (v) =>
      `${v.enforcementLevel.padEnd(9)} ${v.pack}/${v.policy}\n          ${v.urn}\n          ${v.message}`,
  );
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  lines.push(
    `${result.policies} policies over ${describeCounts(result)} (stack ${stack}${preview ? ", preview" : ""}): ${mandatory} mandatory, ${result.violations.length - mandatory} advisory violations`,
  );
  return `${lines.join("\n")}\n`;
}
