import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopAll } from "../../local/python/lifecycle";
import { runLocalPipeline } from "../../local/run/pipeline";
import { runPython } from "../../local/python/jobs";

const ROOT = join(__dirname, "..", "..");
const LOAN = join(ROOT, "sample-datasets", "loan-default.csv");
const LOAN_CONFIG = join(ROOT, "config", "examples", "loan-default.json");
// The script the local Glue adapter runs (local/adapters/glue.ts): the transform the Glue job runs.
const PREPARE = join(ROOT, "etl", "prepare_data.py");

/** The loan sample with each line's fields rearranged by `change`, header included. */
function loanWith(change: (fields: string[]) => string[]): string {
  const lines = readFileSync(LOAN, "utf8").trim().split("\n");
  const path = join(mkdtempSync(join(tmpdir(), "columns-")), "loan-default.csv");
  writeFileSync(path, lines.map((line) => change(line.split(",")).join(",")).join("\n") + "\n");
  return path;
}

async function prepare(dataPath: string) {
  const out = mkdtempSync(join(tmpdir(), "prep-"));
  const done = await runPython(PREPARE, ["--input", dataPath, "--config", LOAN_CONFIG, "--output-dir", out]);
  const read = (path: string) => readFileSync(join(out, path), "utf8");
  return { ...done, read, report: JSON.parse(read("report.json")) as Record<string, unknown> };
}

/** The first line where two CSV texts differ, with its number: the whole text is too long to diff. */
function firstDifference(actual: string, expected: string): string | undefined {
  const [a, b] = [actual.split("\n"), expected.split("\n")];
  const line = a.findIndex((text, index) => text !== b[index]);
  if (line >= 0) return `line ${line + 1}: ${a[line]} (expected ${b[line]})`;
  return a.length === b.length ? undefined : `${a.length} lines (expected ${b.length})`;
}

interface FeatureStatistics {
  name: string;
  numerical_statistics: { mean: number };
}

describe("data prep matches a header's columns by name (local Glue path)", function () {
  this.timeout(120_000);
  after(stopAll);

  it("reads loan-default.csv with income and debt_ratio swapped in the configured order, and says so once", async () => {
    const original = await prepare(LOAN);
    const swapped = await prepare(loanWith(([income, debt, ...rest]) => [debt, income, ...rest]));
    assert.equal(swapped.code, 0, swapped.stderr);
    for (const split of ["train/train.csv", "validation/validation.csv", "test/test.csv"])
      assert.equal(firstDifference(swapped.read(split), original.read(split)), undefined, split);
    const statistics = JSON.parse(swapped.read("baseline/statistics.json")) as {
      features: FeatureStatistics[];
    };
    const [income, debtRatio] = statistics.features;
    assert.deepEqual([income.name, debtRatio.name], ["income", "debt_ratio"]);
    assert.ok(income.numerical_statistics.mean > 1000, `income's mean ${income.numerical_statistics.mean}`);
    assert.ok(
      debtRatio.numerical_statistics.mean < 1,
      `debt_ratio's mean ${debtRatio.numerical_statistics.mean}`,
    );
    const note =
      "columns matched by name: the file has them as debt_ratio, income, age, late_payments, credit_lines, " +
      "term_36, term_60, defaulted; each row was reordered to the configured income, debt_ratio, age, " +
      "late_payments, credit_lines, term_36, term_60, defaulted";
    assert.deepEqual(swapped.report.notes, [note]);
    assert.equal(swapped.stderr, `note: ${note}\n`);
    assert.equal(original.report.notes, undefined, "a header in the configured order needs no note");
  });

  it("names a missing column, and the run stops at data prep with it in one line", async () => {
    const missing = loanWith(([income, , ...rest]) => [income, ...rest]);
    const prep = await prepare(missing);
    const problem =
      "line 1 (the header) does not match the config: missing column debt_ratio; expected income, " +
      "debt_ratio, age, late_payments, credit_lines, term_36, term_60, defaulted, in any order " +
      "(data.features and data.label.name)";
    assert.equal(prep.code, 3);
    assert.equal(prep.stderr, `error: ${problem}\n`);
    assert.equal(prep.report.problem, problem);

    const run = await runLocalPipeline({
      dataPath: missing,
      configPath: LOAN_CONFIG,
      approval: "approve",
      runsRoot: mkdtempSync(join(tmpdir(), "runs-")),
      log: () => undefined,
    });
    assert.equal(run.failedState, "DataRejected");
    assert.equal(run.exitCode, 1);
    assert.equal(
      run.message,
      `The ML pipeline stopped in DataRejected: The data set cannot be trained on: ${problem}. Production is untouched.`,
    );
  });
});
