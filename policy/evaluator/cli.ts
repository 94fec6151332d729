import { Command, CommanderError, Option } from "commander";
import { relative, resolve } from "node:path";
import { runWithReferences } from "../../infra/offline/references";
import { collect, reportAndExit } from "../../infra/tools/cli-support";
import { evaluate, PACKS, packConfigFor, type EvaluationResult } from "./evaluate";
import { toSarif } from "./sarif";

/**
 * `npm run -s policy -- --stack <test|prod> [--format text|json|sarif] [--preview] [--config key=value ...] [--program <module>]`:
 * every policy of every pack over a program run offline. Exit 1 on a mandatory violation, 2 on a
 * usage or program error, 0 otherwise.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command("policy")
    .description("Evaluate the CrossGuard policy packs against a Pulumi program, offline")
    .requiredOption(
      "-s, --stack <name>",
      "stack whose config the program runs with (prod makes every rule mandatory)",
    )
    .addOption(
      new Option("--format <format>", "text, json ({violations, resources, policies}) or sarif (SARIF 2.1.0)")
        .choices(["text", "json", "sarif"])
        .default("text"),
    )
    .option("--json", "the same as --format json")
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
  const run = await runWithReferences({
    stack: options.stack,
    config: options.config,
    preview: options.preview,
    program: options.program && resolve(options.program),
  });
  const configs = Object.fromEntries(PACKS.map((pack) => [pack.name, packConfigFor(pack, options.stack)]));
  const result = await evaluate(run, PACKS, configs);
  const format = options.json ? "json" : options.format;
  if (format === "json") printJson(result);
  else if (format === "sarif") printSarif(result, options.stack, options.program);
  else printText(result, options.stack, options.preview);
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
  return mandatory.length > 0 ? 1 : 0;
}

function printJson({ violations, resources, policies }: EvaluationResult): void {
  const listed = violations.map(({ pack, policy, enforcementLevel, urn, message }) => ({
    pack,
    policy,
    enforcementLevel,
    urn,
    message,
  }));
  process.stdout.write(`${JSON.stringify({ violations: listed, resources, policies }, null, 2)}\n`);
}

/** Results point at the program's entry module, relative to where the CLI runs (the checkout). */
function printSarif(result: EvaluationResult, stack: string, programOption?: string): void {
  const entry = programOption ? resolve(programOption) : resolve(__dirname, "..", "..", "infra", "index.ts");
  const sarif = toSarif(result, PACKS, { stack, program: relative(process.cwd(), entry) });
  process.stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
}

function printText(result: EvaluationResult, stack: string, preview?: boolean): void {
  for (const v of result.violations)
    console.log(
      `${v.enforcementLevel.padEnd(9)} ${v.pack}/${v.policy}\n          ${v.urn}\n          ${v.message}`,
    );
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  console.log(
    `${result.policies} policies over ${result.resources} resources (stack ${stack}${preview ? ", preview" : ""}): ${mandatory} mandatory, ${result.violations.length - mandatory} advisory violations`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    reportAndExit(error);
  },
);
