import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalRunResult } from "../../local/run/types";

const ROOT = join(__dirname, "..", "..");
/** `--debounce`: shorter than the default, so the test's waits for quiet are too. */
const DEBOUNCE_MS = 150;

/** `npm start -- --watch` as a user runs it, with its own data folder and runs folder. */
class WatchProcess {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly dataFile: string,
    readonly runsRoot: string,
    extra: string[] = [],
  ) {
    this.child = spawn(
      process.execPath,
      [
        "local/start.js",
        "--watch",
        "--debounce",
        String(DEBOUNCE_MS),
        "--approve",
        "--data",
        dataFile,
        "--runs",
        runsRoot,
        ...extra,
      ],
      { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    for (const stream of [this.child.stdout!, this.child.stderr!])
      stream.on("data", (chunk: Buffer) => this.output.push(...chunk.toString().split("\n")));
    this.exited = new Promise((done) => this.child.on("exit", (code) => done(code)));
  }

  count(pattern: RegExp): number {
    return this.output.filter((line) => pattern.test(line)).length;
  }

  async until(pattern: RegExp, times = 1, timeoutMs = 90_000): Promise<void> {
    const started = Date.now();
    while (this.count(pattern) < times) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`waited for ${times}× ${pattern}; output:\n${this.output.join("\n")}`);
      if (this.child.exitCode !== null)
        throw new Error(`exited ${this.child.exitCode}:\n${this.output.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Ctrl-C: the exit code, and whether anything it started still runs. */
  async interrupt(): Promise<{ code: number | null; leftRunning: string }> {
    this.child.kill("SIGINT");
    const code = await this.exited;
    const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" }).stdout;
    return {
      code,
      leftRunning: ps
        .split("\n")
        .filter((l) => l.includes(this.runsRoot))
        .join("\n"),
    };
  }
}

const RUN_STARTED = /^▶ (Run|Drift run) for /;
const WAITING = /^Waiting for changes…/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Four debounce periods: a run that a change starts has printed its first line by then. */
const QUIET = 4 * DEBOUNCE_MS;

function setUp(): { dataFile: string; runsRoot: string } {
  const dir = mkdtempSync(join(tmpdir(), "watch-"));
  mkdirSync(join(dir, "data"));
  const dataFile = join(dir, "data", "customer-churn.csv");
  copyFileSync(join(ROOT, "sample-datasets", "customer-churn.csv"), dataFile);
  return { dataFile, runsRoot: join(dir, "runs") };
}

/** Rewrites the file with the same bytes: a change the watcher sees, the same data for the run. */
const touch = (file: string) => writeFileSync(file, readFileSync(file));

describe("npm start -- --watch", function () {
  this.timeout(300_000);

  it("a data change starts one run; two changes during it queue one more; an unwatched path none; Ctrl-C exits 130", async () => {
    const { dataFile, runsRoot } = setUp();
    const watcher = new WatchProcess(dataFile, runsRoot);
    try {
      await watcher.until(/^Watching /);
      touch(dataFile);
      await watcher.until(RUN_STARTED);
      // Two changes, each past the debounce, while the run goes: the first waits as the next run; the
      // second joins it, or, still inside its debounce window when that run starts, is part of it,
      // since it reads the files as they are then.
      touch(dataFile);
      await sleep(DEBOUNCE_MS + 100);
      touch(dataFile);
      // On a starved machine the first run can end, and the queued one start, before the second
      // change is made: that change then starts a run of its own, as it should.
      const runs = watcher.count(RUN_STARTED) >= 2 ? 3 : 2;
      await watcher.until(RUN_STARTED, runs);
      await watcher.until(WAITING, runs);
      assert.equal(watcher.count(RUN_STARTED), runs, watcher.output.join("\n"));
      writeFileSync(join(dataFile, "..", "notes.txt"), "not a data set");
      await sleep(QUIET);
      assert.equal(watcher.count(RUN_STARTED), runs, "a change to an unwatched path starts no run");
      assert.equal(watcher.count(/^ {2}result +Released model version/), runs);
    } finally {
      const { code, leftRunning } = await watcher.interrupt();
      assert.equal(code, 130);
      assert.equal(leftRunning, "", "nothing it started is left running");
    }
  });

  it("a bad edit to the config is reported and the watcher waits for the fix", async () => {
    const { dataFile, runsRoot } = setUp();
    const config = join(dataFile, "..", "..", "config.json");
    const good = readFileSync(join(ROOT, "config", "ml-pipeline-config.json"), "utf8");
    writeFileSync(config, good);
    const watcher = new WatchProcess(dataFile, runsRoot, ["--config", config]);
    try {
      await watcher.until(/^Watching /);
      writeFileSync(config, good.replace('"eta": 0.2', '"eta": 7'));
      await watcher.until(/^error: Invalid ML pipeline config .*config\.json:$/);
      await watcher.until(WAITING);
      writeFileSync(config, good);
      await watcher.until(/^ {2}result +Released model version 1/);
      assert.equal(watcher.child.exitCode, null, "still watching");
    } finally {
      assert.equal((await watcher.interrupt()).code, 130);
    }
  });

  it("README tour step 3 as written: the drift run retrains on the churn data and reaches a verdict, once within the cooldown", async () => {
    // The command as the README gives it, with a runs folder of its own and a short debounce.
    const command = /`npm start -- (--approve --watch --simulate-drift)`/.exec(
      readFileSync(join(ROOT, "README.md"), "utf8"),
    );
    assert.ok(command, "README's tour step 3 names the command");
    const args = command[1].split(" ").filter((arg) => arg !== "--watch" && arg !== "--approve");
    const sample = join(ROOT, "sample-datasets");
    // Another model's data set, newest in the folder: on a fresh clone any file may be.
    const loan = join(sample, "loan-default.csv");
    const { atime, mtime } = statSync(loan);
    const later = new Date(Date.now() + 3600_000);
    utimesSync(loan, later, later);
    const runsRoot = mkdtempSync(join(tmpdir(), "watch-readme-"));
    const watcher = new WatchProcess(join(sample, "customer-churn.csv"), runsRoot, args);
    try {
      await watcher.until(/^Watching /);
      touch(join(sample, "customer-churn.csv"));
      // Its reasons may include edits to the repository made meanwhile: they join the waiting drift run.
      await watcher.until(/^▶ Drift run for .*drift: \d+ features drifted/);
      await watcher.until(/^ {2}training on .*customer-churn\.csv$/, 2);
      await watcher.until(WAITING, 2);
      await sleep(QUIET);
      const drift = readdirSync(runsRoot)
        .filter((name) => /^\d{8}-/.test(name))
        .map(
          (name) => JSON.parse(readFileSync(join(runsRoot, name, "result.json"), "utf8")) as LocalRunResult,
        )
        .filter((r) => r.trigger.source === "drift");
      assert.equal(drift.length, 1, "one drift run within the cooldown");
      assert.deepEqual(drift[0].trigger, { source: "drift", alarm: "local-data-quality-monitor" });
      assert.match(drift[0].dataPath, /customer-churn\.csv$/);
      assert.ok(
        ["released", "rolled-back"].includes(drift[0].outcome) || drift[0].failedState === "GateRejected",
        `a verdict, not a failure: ${drift[0].outcome} ${drift[0].message}`,
      );
      assert.equal(drift[0].modelPackage?.customerMetadata.trigger, "drift");
      const ledger = JSON.parse(readFileSync(join(runsRoot, "drift-ledger.json"), "utf8"));
      assert.equal(ledger.runs.length, 1);
    } finally {
      utimesSync(loan, atime, mtime);
      assert.equal((await watcher.interrupt()).code, 130);
    }
  });
});
