import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalRunResult } from "../../local/run-types";

const ROOT = join(__dirname, "..", "..");

/** The processes whose command line mentions this folder (every worker and trainer of a run does). */
const processesUsing = (dir: string) =>
  spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((line) => line.includes(dir) && !line.includes("ps -eo"));

/** A user's shell: without the test setup's switch for the SDK's Node-version warning. */
function shellEnvironment(): NodeJS.ProcessEnv {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...env } = process.env;
  return { ...env, TS_NODE_TRANSPILE_ONLY: "1" };
}

function startCli(runsRoot: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    ["local/start.js", "--approve", "--runs", runsRoot, ...extra],
    { cwd: ROOT, env: shellEnvironment(), stdio: ["ignore", "pipe", "pipe"] },
  );
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

const waitFor = async (check: () => boolean, ms: number) => {
  for (let waited = 0; !check() && waited < ms; waited += 100) await new Promise((r) => setTimeout(r, 100));
  return check();
};

const onlyRun = (runsRoot: string): LocalRunResult => {
  const [run] = readdirSync(runsRoot).filter((name) => /^\d{8}-/.test(name));
  return JSON.parse(readFileSync(join(runsRoot, run, "result.json"), "utf8")) as LocalRunResult;
};

describe("signals and process hygiene", function () {
  this.timeout(120_000);

  it("SIGTERM during the ML pipeline: exit 143, the run recorded as interrupted in its stage, nothing left running", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "sigterm-"));
    const cli = startCli(runsRoot);
    await cli.until(/TrackExperiment/);
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
    assert.ok(
      await waitFor(() => processesUsing(runsRoot).length === 0, 3000),
      processesUsing(runsRoot).join("\n"),
    );
  });

  it("SIGHUP ends a watching CLI with 129", async () => {
    const cli = startCli(mkdtempSync(join(tmpdir(), "sighup-")), ["--watch"]);
    await cli.until(/Watching /);
    cli.child.kill("SIGHUP");
    assert.equal(await cli.exited, 129);
  });

  it("a CLI killed hard (SIGKILL) leaves no Python child behind: each watches its parent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigkill-"));
    const script = join(dir, "long_job.py");
    writeFileSync(script, "import time\ntime.sleep(60)\n");
    // A process that runs a long Python job the way local mode runs every script, then is killed hard.
    const parent = spawn(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "-e",
        `require("./local/python").runPython(${JSON.stringify(script)}, [])`,
      ],
      { cwd: ROOT, stdio: "ignore" },
    );
    // The Python process itself, not the node command line that names the script.
    const pythons = () => processesUsing(dir).filter((p) => /python3? /.test(p) && !p.includes("runPython"));
    assert.ok(await waitFor(() => pythons().length === 1, 20_000), "the job started");
    parent.kill("SIGKILL");
    assert.ok(await waitFor(() => pythons().length === 0, 3000), pythons().join("\n"));
  });

  it("a training process the OS kills is reported as killed, with the signal", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "oom-"));
    const cli = startCli(runsRoot);
    await cli.until(/TrackExperiment/);
    let trainer: string | undefined;
    await waitFor(
      () => (trainer = processesUsing(runsRoot).find((p) => p.includes("train.py"))) !== undefined,
      10_000,
    );
    assert.ok(trainer, "the trainer started");
    process.kill(Number(trainer.trim().split(/\s+/)[0]), "SIGKILL");
    assert.equal(await cli.exited, 1);
    assert.match(cli.output.join(""), /training was killed \(signal SIGKILL; out of memory\?\)/);
  });
});
