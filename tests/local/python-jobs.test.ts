import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { running, stopAll, stopRun } from "../../local/python/lifecycle";
import { PREDICTION_WORKER_NAME, PredictionWorker } from "../../local/python/prediction-worker";
import { pythonJobs, runPython } from "../../local/python/jobs";
import { processes, stillRunning, waitFor } from "../helpers/processes";

function script(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

describe("local mode's Python jobs (local/python/job_server.py)", () => {
  after(stopAll);

  it("runs jobs at once, each with its own arguments, output and exit status", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const echo = script(
      dir,
      "echo.py",
      "import sys, time\ntime.sleep(0.2)\nprint(' '.join(sys.argv[1:]))\nsys.stderr.write('err ' + sys.argv[1])\nsys.exit(int(sys.argv[2]))\n",
    );
    const results = await Promise.all([runPython(echo, ["a", "0"]), runPython(echo, ["b", "3"])]);
    assert.deepEqual(results, [
      { code: 0, signal: undefined, stdout: "a 0\n", stderr: "err a" },
      { code: 3, signal: undefined, stdout: "b 3\n", stderr: "err b" },
    ]);
  });

  it("a job that raises exits 1 with its traceback; sys.exit with a message exits 1 with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const raises = await runPython(script(dir, "raises.py", "raise ValueError('bad value 7')\n"), []);
    assert.equal(raises.code, 1);
    assert.match(raises.stderr, /Traceback[\s\S]*ValueError: bad value 7\n$/);
    const exits = await runPython(
      script(dir, "exits.py", "import sys\nsys.exit('error: no CSV files')\n"),
      [],
    );
    assert.deepEqual([exits.code, exits.stderr], [1, "error: no CSV files\n"]);
  });

  it("a job imports the project's modules afresh: an edit between two jobs is what the second runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const main = script(dir, "main.py", "import helper\nprint(helper.VALUE)\n");
    script(dir, "helper.py", "VALUE = 1\n");
    assert.equal((await runPython(main, [])).stdout, "1\n");
    script(dir, "helper.py", "VALUE = 22\n");
    assert.equal((await runPython(main, [])).stdout, "22\n");
  });

  it("a job killed by a signal is reported with the signal's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const killed = await runPython(
      script(dir, "die.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"),
      [],
    );
    assert.equal(killed.signal, "SIGKILL");
  });

  it("the prediction worker is forked from the job server, answers over its own socket, and ends with its input", async () => {
    const worker = new PredictionWorker();
    assert.deepEqual(await worker.stats(), { requests: 0, calls: 0 });
    const { pid } = await pythonJobs();
    const server = processes().find((p) => p.pid === pid);
    assert.ok(
      server && server.ppid === process.pid && server.args.includes("job_server.py"),
      "this process runs a job server",
    );
    const forked = processes().filter((p) => p.ppid === pid && p.comm === PREDICTION_WORKER_NAME);
    assert.equal(forked.length, 1, `one ${PREDICTION_WORKER_NAME} child of the job server`);
    const stopped = worker.stop();
    await assert.rejects(worker.stats(), /the prediction worker was stopped/);
    await stopped;
    assert.deepEqual(stillRunning([forked[0].pid]), [], "stop() resolves once the worker has exited");
  });

  it("an idle job server outlives its run for the next one; one still running a job stops with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const server = await pythonJobs();
    await runPython(script(dir, "quick.py", "print('done')\n"), []);
    await stopRun();
    assert.deepEqual(running(), { children: 0, servers: 0, idle: 1 });
    assert.equal(await pythonJobs(), server, "the next run uses the same server");
    const slow = runPython(script(dir, "slow.py", "import time\ntime.sleep(30)\n"), []);
    assert.ok(await waitFor(() => running().children === 1, 3000), "the server is busy");
    await stopRun();
    assert.equal(server.usable, false, "a server with a job running is stopped at the run's end");
    await assert.rejects(slow, /the Python job server exited/);
    assert.notEqual(await pythonJobs(), server, "the next run starts another");
  });
});
