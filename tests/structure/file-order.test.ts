import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const order = require("../../tools/build/file-order.cjs") as {
  fileTimes: (timesDir?: string) => Map<string, number>;
  longestFirst: (dir: string, times?: Map<string, number>) => string[];
  recordFileTime: (file: string, ms: number, timesDir?: string) => void;
};

describe("the order mocha hands out test files (tools/build/file-order.cjs)", () => {
  it("longest first by the last recorded times, files never timed before all", () => {
    const times = new Map([
      ["tests/local/watch.test.ts", 17_000],
      ["tests/functions/classification-metrics.test.ts", 5],
      ["tests/policy/standalone-packs.test.ts", 20_000],
    ]);
    const known = [...times.keys()];
    const files = order.longestFirst("tests", times);
    const untimed = files.filter((file) => !times.has(file));
    assert.ok(untimed.length > 10, "every other test file is listed");
    assert.deepEqual(files.slice(0, untimed.length), untimed, "never-timed files come first");
    assert.deepEqual(files.slice(untimed.length), [known[2], known[0], known[1]]);
  });

  it("records one time per file, the latest winning, and ignores a torn record", () => {
    const dir = mkdtempSync(join(tmpdir(), "file-times-"));
    order.recordFileTime(join(__dirname, "..", "local", "watch.test.ts"), 900.4, dir);
    order.recordFileTime("tests/local/watch.test.ts", 1200, dir);
    order.recordFileTime("tests/functions/metrics.test.ts", 7, dir);
    writeFileSync(join(dir, "torn.json"), '{"file": "tests/x.test.ts", "ms"');
    assert.deepEqual(
      order.fileTimes(dir),
      new Map([
        ["tests/local/watch.test.ts", 1200],
        ["tests/functions/metrics.test.ts", 7],
      ]),
    );
  });
});
