import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PREDICTION_WORKER_NAME } from "../../local/python/prediction-worker";
import type { LocalRunResult } from "../../local/run/types";
import { descendantsOf, stillRunning, waitFor } from "../helpers/processes";

const ROOT = join(__dirname, "..", "..");

/** The Python jobs (data prep, training) of a CLI: the children of its job server but its prediction worker. */
const jobsOf = (cliPid: number) => {
  const tree = descendantsOf(cliPid);
  const server = tree.find((p) => p.args.includes("job_server.py"));
  return server ? tree.filter((p) => p.ppid === server.pid && p.comm !== PREDICTION_WORKER_NAME) : [];
};

/** A user's shell: without the test setup's switch for the SDK's Node-version warning. */
function shellEnvironment(): NodeJS.ProcessEnv {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...env } = process.env;
  return { ...env, TS_NODE_TRANSPILE_ONLY: "1" };
}

function startCli(runsRoot: string, extra: string[] = []) {
  const child = spawn(process.execPath, ["local/start.js", "--approve", "--runs", runsRoot, ...extra], {
    cwd: ROOT,
    env: shellEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr.on("data", (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const until = async (pattern: RegExp) => {
    for (let waited = 0; !pattern.test(output.join("")); waited += 50) {
      if (waited > 60_000) throw new Error(`no ${pattern} in:\n${output.join("")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, output, exited, until };
}

/**
 * The sample config with training long enough to be caught running: its own trains too fast for a
 * test's polling to count on.
 */
function longTraining(dir: string): string {
  const config = JSON.parse(readFileSync(join(ROOT, "config", "ml-pipeline-config.json"), "utf8"));
  config.training.hyperparameters.num_round = 1000;
  const path = join(dir, "long-training.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const onlyRun = (runsRoot: string): LocalRunResult => {
  const [run] = readdirSync(runsRoot).filter((name) => /^\d{8}-/.test(name));
  return JSON.parse(readFileSync(join(runsRoot, run, "result.json"), "utf8")) as LocalRunResult;
};

describe("signals and process hygiene", function () {
  this.timeout(120_000);

  it("SIGTERM during the ML pipeline: exit 143, the run recorded as interrupted in its stage, nothing left running", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "sigterm-"));
    const cli = startCli(runsRoot, ["--config", longTraining(runsRoot)]);
    await cli.until(/TrackExperiment/);
    const started = descendantsOf(cli.child.pid!).map((p) => p.pid);
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 143, cli.output.join(""));
    const result = onlyRun(runsRoot);
    assert.equal(result.outcome, "interrupted");
    assert.equal(result.failedState, "ML pipeline");
    assert.match(result.message, /^Interrupted by SIGTERM during ML pipeline/);
    assert.doesNotMatch(
      cli.output.join(""),
      /NodeVersionSupportWarning/,
      "the SDK's Node warning is not printed",
    );
    assert.match(readFileSync(join(result.runDir, "report.html"), "utf8"), />interrupted</);
    assert.ok(started.length >= 2, "the job server and the prediction worker were running");
    assert.ok(
      await waitFor(() => stillRunning(started).length === 0, 3000),
      JSON.stringify(stillRunning(started)),
    );
  });

  it("SIGHUP ends a watching CLI with 129", async () => {
    const cli = startCli(mkdtempSync(join(tmpdir(), "sighup-")), ["--watch"]);
    await cli.until(/Watching /);
    cli.child.kill("SIGHUP");
    assert.equal(await cli.exited, 129);
  });

  /** A Node process running one long Python job the way local mode runs every job. */
  async function longJob() {
    const dir = mkdtempSync(join(tmpdir(), "sigkill-"));
    const script = join(dir, "long_job.py");
    writeFileSync(script, "import time\ntime.sleep(60)\n");
    const parent = spawn(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "-e",
        `require("./local/python/jobs").runPython(${JSON.stringify(script)}, [])`,
      ],
      { cwd: ROOT, stdio: "ignore" },
    );
    assert.ok(await waitFor(() => jobsOf(parent.pid!).length === 1, 20_000), "the job started");
    const tree = descendantsOf(parent.pid!);
    return { parent, tree, server: tree.find((p) => p.args.includes("job_server.py"))! };
  }

  it("a CLI killed hard (SIGKILL) leaves no Python behind: the job server sees it go and ends its jobs", async () => {
    const { parent, tree } = await longJob();
    parent.kill("SIGKILL");
    const pids = tree.map((p) => p.pid);
    assert.ok(await waitFor(() => stillRunning(pids).length === 0, 3000), JSON.stringify(stillRunning(pids)));
  });

  it("a job server killed hard takes its running jobs with it", async () => {
    const { parent, tree, server } = await longJob();
    const jobs = tree.filter((p) => p.ppid === server.pid).map((p) => p.pid);
    process.kill(server.pid, "SIGKILL");
    try {
      assert.ok(
        await waitFor(() => stillRunning(jobs).length === 0, 3000),
        JSON.stringify(stillRunning(jobs)),
      );
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("a training process the OS kills is reported as killed, with the signal", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "oom-"));
    const cli = startCli(runsRoot, ["--config", longTraining(runsRoot)]);
    await cli.until(/TrackExperiment/);
    // After data prep, the one job of the run's job server is the training job.
    assert.ok(await waitFor(() => jobsOf(cli.child.pid!).length === 1, 10_000), "the trainer started");
    process.kill(jobsOf(cli.child.pid!)[0].pid, "SIGKILL");
    assert.equal(await cli.exited, 1);
    assert.match(cli.output.join(""), /training was killed \(signal SIGKILL; out of memory\?\)/);
  });
});
