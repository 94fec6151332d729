import { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { PROJECT_ROOT } from "../offline/harness";
import { OfflineUsageError } from "../offline/stack-files";
import { MODEL_PACKAGE_ARN_PATTERN, RUN_ID_PATTERN } from "../../functions/lib/run-input";
import { runCli } from "./cli-support";

/**
 * `npm run rollback -- --version <n> --run-id <run>`: points the prod stack at an earlier approved
 * model package version (and the run that produced it, whose baseline monitoring uses) by editing
 * Pulumi.prod.yaml. `pulumi up -s prod` then rolls the endpoint back blue/green. Only the file is
 * changed here; the rollout itself needs AWS.
 */

const ARN_KEY = "mlops:approvedModelPackageArn";
const RUN_KEY = "mlops:approvedRunId";

export interface RollbackPlan {
  from: string;
  to: string;
  runId: string;
}

/** The versions a rollback from `serving` may go to; the first version has none before it. */
function earlierVersions(serving: number): string {
  if (serving === 1) return "it is the first version, so there is none earlier to roll back to";
  return `a rollback goes to an earlier approved version (${serving === 2 ? "1" : `1-${serving - 1}`})`;
}

/** Rewrites the stack file's text; comments and other keys are kept as they are. */
export function rollbackStackFile(
  text: string,
  version: string,
  runId: string,
  fileName = "Pulumi.prod.yaml",
): { text: string; plan: RollbackPlan } {
  if (!/^[1-9]\d*$/.test(version)) {
    throw new OfflineUsageError(
      `--version "${version}": must be a model package version number (1, 2, 3, …)`,
    );
  }
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new OfflineUsageError(
      `--run-id "${runId}": must be the pipeline run id of that version (e.g. 20261128-082410-0123456; the model registry shows it as runId)`,
    );
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const [error] = doc.errors;
    const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
    throw new OfflineUsageError(
      `${fileName}:${line}:${column} is not valid YAML (${error.message.split("\n")[0]})`,
    );
  }
  const current = doc.getIn(["config", ARN_KEY]);
  const match = typeof current === "string" ? MODEL_PACKAGE_ARN_PATTERN.exec(current) : null;
  if (!match) {
    throw new OfflineUsageError(
      `${fileName} has no versioned ${ARN_KEY} to roll back from (found ${JSON.stringify(current)})`,
    );
  }
  const to = `${match[1]}/${version}`;
  if (to === current) throw new OfflineUsageError(`prod already serves version ${version} (${to})`);
  const serving = Number(match[2]);
  if (Number(version) > serving)
    throw new OfflineUsageError(
      `--version ${version}: prod serves version ${serving} (${fileName}); ${earlierVersions(serving)}. A newer version is released by the pipeline.`,
    );
  doc.setIn(["config", ARN_KEY], to);
  doc.setIn(["config", RUN_KEY], runId);
  return { text: doc.toString(), plan: { from: current as string, to, runId } };
}

/** `npm run rollback -- --version N --run-id ID [--file F]`; throws what the process reports. */
export function rollbackMain(argv: string[]): void {
  const program = new Command("rollback")
    .description("Point the prod stack at an earlier approved model package version")
    .requiredOption("--version <n>", "model package version to serve")
    .requiredOption("--run-id <id>", "pipeline run that produced that version (its baseline is monitored)")
    .option("--file <path>", "stack file to edit", join(PROJECT_ROOT, "Pulumi.prod.yaml"))
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{ version: string; runId: string; file: string }>();
  let text: string;
  try {
    text = readFileSync(options.file, "utf8");
  } catch (error) {
    throw new OfflineUsageError(
      `cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const { text: updated, plan } = rollbackStackFile(text, options.version, options.runId, options.file);
  writeFileSync(options.file, updated);
  console.log(`${options.file}: ${ARN_KEY}\n  from ${plan.from}\n  to   ${plan.to}\n  run  ${plan.runId}`);
  console.log(
    "Next: commit the change and let the pipeline deploy it, or run `pulumi up -s prod` (needs AWS credentials).",
  );
}

if (require.main === module) runCli(rollbackMain);
