import { Command, CommanderError } from "commander";
import { resolve } from "node:path";
import { runWithReferences } from "../../infra/offline/references";
import { collect, reportAndExit } from "../../infra/tools/cli-support";
import { evaluate, PACKS, packConfigFor } from "./evaluate";

/**
 * `npm run -s policy -- --stack <test|prod> [--json] [--preview] [--config key=value ...] [--program <module>]`:
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
    .option("--json", 'print only {"violations": [...], "resources": N, "policies": M}')
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
  const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
  if (options.json) {
    const { violations, resources, policies } = result;
    process.stdout.write(
      `${JSON.stringify({ violations: violations.map(({ pack, policy, enforcementLevel, urn, message }) => ({ pack, policy, enforcementLevel, urn, message })), resources, policies }, null, 2)}\n`,
    );
  } else {
    for (const v of result.violations)
      console.log(
        `${v.enforcementLevel.padEnd(9)} ${v.pack}/${v.policy}\n          ${v.urn}\n          ${v.message}`,
      );
    console.log(
      `${result.policies} policies over ${result.resources} resources (stack ${options.stack}${options.preview ? ", preview" : ""}): ${mandatory.length} mandatory, ${result.violations.length - mandatory.length} advisory violations`,
    );
  }
  return mandatory.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    reportAndExit(error);
  },
);
