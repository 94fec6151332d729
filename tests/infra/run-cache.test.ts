import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, type OfflineRun } from "../../tools/offline/harness";
import { CACHE_DIR, cacheKey, cachedRunOffline, fingerprintOf } from "../../tools/offline/run-cache";

describe("offline run cache", () => {
  it("a source change anywhere the program reads changes the fingerprint; Python bytecode does not", () => {
    const root = mkdtempSync(join(tmpdir(), "fingerprint-"));
    for (const part of ["infra/shared", "tools/offline", "functions/lib", "config", "etl"])
      cpSync(join(PROJECT_ROOT, part), join(root, part), { recursive: true });
    for (const file of ["package-lock.json", "tsconfig.json"])
      cpSync(join(PROJECT_ROOT, file), join(root, file));
    const before = fingerprintOf(root);
    mkdirSync(join(root, "etl", "__pycache__"), { recursive: true });
    writeFileSync(join(root, "etl", "__pycache__", "transform.cpython-311.pyc"), "bytecode");
    assert.equal(fingerprintOf(root), before);
    for (const file of [
      "functions/lib/clients.ts",
      "config/ml-pipeline-config.json",
      "etl/transform.py",
      "package-lock.json",
    ]) {
      const path = join(root, file);
      cpSync(path, `${path}.saved`);
      writeFileSync(path, "changed", { flag: "a" });
      assert.notEqual(fingerprintOf(root), before, `a change to ${file} must change the fingerprint`);
      cpSync(`${path}.saved`, path);
      rmSync(`${path}.saved`);
    }
    assert.equal(fingerprintOf(root), before);
  });

  it("runs asked the same way share a key; any option that changes the run changes it", () => {
    const base = cacheKey({ stack: "test" });
    assert.equal(cacheKey({ stack: "test", config: [], preview: false, stackOutputs: {} }), base);
    for (const other of [
      { stack: "prod" },
      { stack: "test", config: ["vpc=null"] },
      { stack: "test", preview: true },
      { stack: "test", stackOutputs: { "org/p/test": { a: 1 } } },
      { stack: "test", accountId: "222222222222" },
    ])
      assert.notEqual(cacheKey(other), base, JSON.stringify(other));
  });

  it("a run with a cached entry is read from disk, not executed", async () => {
    const options = { stack: "test", config: ["cacheProbe=1"] };
    const file = join(CACHE_DIR, `${cacheKey(options)}.json`);
    const stored: OfflineRun = {
      project: "probe",
      stack: "test",
      preview: false,
      resources: [],
      outputs: { probe: true },
    };
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(stored));
    try {
      assert.deepEqual(await cachedRunOffline(options), stored);
    } finally {
      rmSync(file);
    }
  });

  it("an entry another live process is producing is waited for and read, not run again", async () => {
    const options = { stack: "test", config: [`cacheProbe=${process.pid}-${Date.now()}`] };
    const file = join(CACHE_DIR, `${cacheKey(options)}.json`);
    const lock = `${file}.lock`;
    const other = spawn("sleep", ["30"]);
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(lock, JSON.stringify({ pid: other.pid, since: new Date().toISOString() }));
    const produced: OfflineRun = {
      project: "probe",
      stack: "test",
      preview: false,
      resources: [],
      outputs: {},
    };
    try {
      const asked = cachedRunOffline(options);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The other process finishes: its entry appears and its lock goes.
      writeFileSync(file, JSON.stringify(produced));
      rmSync(lock);
      assert.deepEqual(
        await asked,
        produced,
        "read the other process's entry instead of running the program",
      );
      assert.equal(existsSync(lock), false, "the waiter released its lock");
    } finally {
      other.kill();
      rmSync(file, { force: true });
      rmSync(lock, { force: true });
    }
  });
});
