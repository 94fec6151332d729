import { Command, CommanderError } from "commander";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { stopAll } from "./lifecycle";
import { LocalUsageError, runLocalPipeline, type Approval, type LocalRunResult } from "./pipeline";
import { LocalSetupError } from "./python";
import { writeReport } from "./report";

const ROOT = resolve(__dirname, "..");

function summary(result: LocalRunResult): string[] {
  const lines: string[] = ["", "Summary"];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  const data = result.dataReport as
    { rows: number; rejected: number; splits: Record<string, number>; maxRejectedShare: number } | undefined;
  if (data) {
    row(
      "data",
      `${data.rows} rows: ${data.splits.train} train / ${data.splits.validation} validation / ${data.splits.test} test; ${data.rejected} rejected (limit ${(100 * data.maxRejectedShare).toFixed(1)}%)`,
    );
  }
  const m = (
    result.evaluation as { binary_classification_metrics?: Record<string, { value: number }> } | undefined
  )?.binary_classification_metrics;
  if (m)
    row(
      "metrics",
      `test AUC ${m.auc.value.toFixed(4)}, accuracy ${m.accuracy.value.toFixed(4)}, precision ${m.precision.value.toFixed(4)}, recall ${m.recall.value.toFixed(4)}`,
    );
  if (result.gateSummary) row("gate", result.gateSummary);
  if (result.modelPackage)
    row(
      "model",
      `version ${result.modelPackage.version} (${result.modelPackage.arn}), ${result.modelPackage.status}`,
    );
  if (result.endpoints.test || result.endpoints.prod) {
    const canary = result.canary
      ? ` (canary traffic ${Object.entries(result.canary.byVariant)
          .map(([v, n]) => `${v} ${n}`)
          .join(", ")})`
      : "";
    row(
      "endpoints",
      [
        result.endpoints.test && `test ${result.endpoints.test}`,
        result.endpoints.prod && `prod ${result.endpoints.prod}${canary}`,
      ]
        .filter(Boolean)
        .join("; "),
    );
  }
  if (result.testReport) row("tests", result.testReport.summary);
  if (result.drift)
    row(
      "drift",
      `${result.drift.violations.length} violation(s) over ${result.drift.features.length} features (${result.drift.capturedRows} captured rows)${
        result.drift.violations.length
          ? ": " +
            result.drift.violations
              .slice(0, 5)
              .map((v) => v.feature_name)
              .join(", ")
          : ""
      }`,
    );
  row("result", result.message);
  row("run dir", result.runDir);
  return lines;
}

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
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    approve?: boolean;
    reject?: boolean;
    data: string;
    config: string;
    runs: string;
    simulateDrift?: boolean;
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
// The SDK warns that future releases need Node 22; local mode is supported on Node 20, so say nothing.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "NodeVersionSupportWarning") console.error(`${warning.name}: ${warning.message}`);
});

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
