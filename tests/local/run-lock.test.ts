import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireRunLock } from "../../local/run/lock";

/**
 * Locks that cannot hang: a lock path that is a folder is an error at once (taking it over would loop
 * for ever, never yielding to Ctrl-C); a lock whose pid now belongs to another program, or
 * that predates the boot, is stale; a live holder is waited for within a bound the user sets, and the
 * wait yields to signals.
 */

const ROOT = join(__dirname, "..", "..");

/** A live process that is not a run: a stand-in holder. */
function sleeper() {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => child.kill() };
}

describe("the runs folder's lock", function () {
  this.timeout(60_000);

  it("a folder where the lock goes is refused at once, naming it", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "lock-dir-"));
    mkdirSync(join(runsRoot, "run.lock"));
    const started = Date.now();
    await assert.rejects(
      acquireRunLock(runsRoot, () => undefined),
      /run\.lock is a folder, not a lock file: move it aside/,
    );
    assert.ok(Date.now() - started < 1000);
  });

  it("a lock from before the boot, or whose pid is now another program, is taken over", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "lock-stale-"));
    const lines: string[] = [];
    writeFileSync(join(runsRoot, "run.lock"), JSON.stringify({ pid: 1, since: "2020-01-01T00:00:00.000Z" }));
    (await acquireRunLock(runsRoot, (line) => lines.push(line)))();
    assert.match(lines[0], /Taking over a stale lock .*\(pid 1\): it was taken before the machine started/);
    // A pid alive now, in a lock written before that process started: the pid was reused.
    const holder = sleeper();
    try {
      writeFileSync(
        join(runsRoot, "run.lock"),
        JSON.stringify({ pid: holder.pid, since: new Date(Date.now() - 60_000).toISOString() }),
      );
      (await acquireRunLock(runsRoot, (line) => lines.push(line)))();
      assert.match(lines[1], /process \d+ is another program, started after the lock was taken/);
    } finally {
      holder.stop();
    }
  });

  it("a live holder is waited for within --lock-wait, then the run gives up saying so", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "lock-wait-"));
    const holder = sleeper();
    try {
      writeFileSync(
        join(runsRoot, "run.lock"),
        JSON.stringify({ pid: holder.pid, since: new Date().toISOString() }),
      );
      await assert.rejects(
        acquireRunLock(runsRoot, () => undefined, { pollMs: 50, waitSeconds: 1 }),
        /gave up after 1 s waiting for .*run\.lock, held by process \d+ since .* \(--lock-wait 1 s; give a longer --lock-wait, or stop that run\)/,
      );
    } finally {
      holder.stop();
    }
  });

  it("Ctrl-C while waiting for the lock ends the run at once with 130", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "lock-signal-"));
    const holder = sleeper();
    try {
      writeFileSync(
        join(runsRoot, "run.lock"),
        JSON.stringify({ pid: holder.pid, since: new Date().toISOString() }),
      );
      const cli = spawn(process.execPath, ["local/start.js", "--approve", "--runs", runsRoot], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => cli.on("exit", (code) => done(code)));
      for (let waited = 0; !/this one waits for it/.test(output); waited += 50) {
        if (waited > 30_000) throw new Error(`never waited:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      cli.kill("SIGINT");
      assert.equal(await exited, 130);
    } finally {
      holder.stop();
    }
  });
});
