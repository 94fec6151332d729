import { Command } from "commander";
import { PROJECT_ROOT, type OfflineRun, type OfflineRunOptions } from "../offline/harness";
import { renderTree, toJson } from "../offline/render";
import { runWithReferences } from "../offline/references";
import { readStackOutputs } from "../offline/stack-outputs";
import { collect } from "./cli-support";

/**
 * `npm run -s preview:offline -- --stack <name> [--json] [--preview] [--config key=value ...]`:
 * what a stack declares, without an AWS account or the Pulumi CLI. Output goes to `write` and the
 * program runs through `runProgram`, so tests call it in-process; errors are thrown (the CLI exits 2).
 */
export async function previewCommand(
  argv: string[],
  write: (text: string) => void,
  runProgram: (options: OfflineRunOptions) => Promise<OfflineRun> = runWithReferences,
): Promise<void> {
  const program = new Command("preview:offline")
    .description("Run the Pulumi program under mocks and show every resource it declares")
    .requiredOption("-s, --stack <name>", "stack to preview (a Pulumi.<name>.yaml must exist)")
    .option("--json", "print only a JSON array of {urn, type, name, parent, inputs}")
    .option("--preview", "preview mode: computed outputs stay unknown, as in `pulumi preview`")
    .option(
      "-c, --config <key=value>",
      "override a config value (JSON values are structured); repeatable",
      collect,
      [],
    )
    .option(
      "--stack-outputs <file>",
      'JSON file {"<stack name>": {"<output name>": value, …}} with the outputs of the stacks the program references (prod: its mlops:testStackName)',
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    stack: string;
    json?: boolean;
    preview?: boolean;
    config: string[];
    stackOutputs?: string;
  }>();
  // Outputs of referenced stacks: from the file when given, else from running those stacks offline.
  const run = await runProgram({
    stack: options.stack,
    config: options.config,
    preview: options.preview,
    stackOutputs: options.stackOutputs
      ? readStackOutputs(options.stackOutputs, options.stack, options.config, PROJECT_ROOT)
      : undefined,
  });
  write(`${options.json ? toJson(run) : renderTree(run)}\n`);
}
