import { Command, CommanderError, Option } from "commander";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { stopAll } from "./lifecycle";
import { LocalUsageError, runLocalPipeline, type Approval } from "./pipeline";
import { LocalSetupError } from "./python";
import { writeReport } from "./report";
import { summary } from "./summary";

const ROOT = resolve(__dirname, "..");

async function main(argv: string[]): Promise<number> {
  const program = new Command("npm start --")
    .description(
      "Run the continuous ML pipeline locally: data prep, training, gate, test endpoint and tests, approval, prod canary, monitoring",
    )
    .option("--approve", "approve the release without asking")
    .option("--reject", "reject the release without asking")
    .option("--data <csv>", "training data", join(ROOT, "sample-datasets", "customer-churn.csv"))
    .option("--config <json>", "ML pipeline config", join(ROOT, "config", "ml-pipeline-config.json"))
    .option("--runs <dir>", "where run directories and the local model registry live", join(ROOT, ".runs"))
    .option("--simulate-drift", "skew the monitoring traffic to show a drift violation")
    .addOption(
      new Option(
        "--simulate-canary-fault <kind>",
        "make the new model fail its canary, to see the rollback",
      ).choices(["errors", "latency"]),
    )
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    approve?: boolean;
    reject?: boolean;
    data: string;
    config: string;
    runs: string;
    simulateDrift?: boolean;
    simulateCanaryFault?: "errors" | "latency";
  }>();
  if (options.approve && options.reject)
    throw new LocalUsageError("--approve and --reject cannot both be given");
  const approval: Approval = options.approve ? "approve" : options.reject ? "reject" : "ask";
  const interactive = process.stdin.isTTY === true;
  const result = await runLocalPipeline({
    dataPath: options.data,
    configPath: options.config,
    approval,
    runsRoot: resolve(options.runs),
    simulateDrift: options.simulateDrift,
    simulateCanaryFault: options.simulateCanaryFault,
    log: (line) => console.log(line),
    prompt: interactive
      ? async (question) => {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          try {
            return /^y(es)?$/i.test((await rl.question(question)).trim());
          } finally {
            rl.close();
          }
        }
      : undefined,
  });
  for (const line of summary(result)) console.log(line);
  console.log(writeReport(result));
  return result.exitCode;
}

// Handlers log at INFO in Lambda; in a terminal run only their warnings belong next to the progress lines.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
// The SDK warns that its future releases need Node 22; local mode is supported on Node 20 with the
// pinned SDK, so the warning says nothing a user can act on (the SDK's own switch turns it off).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.error("\nInterrupted: stopping local services and workers…");
  void stopAll().finally(() => process.exit(130));
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    await stopAll();
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    const expected = error instanceof LocalSetupError || error instanceof LocalUsageError;
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (!expected && error instanceof Error && process.env.DEBUG) console.error(error.stack);
    process.exit(2);
  },
);
