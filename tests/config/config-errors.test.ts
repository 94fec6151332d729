import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonErrorPosition, jsonErrorReason } from "../../config/json-text";
import { loadMlPipelineConfig, parseMlPipelineConfig } from "../../config/ml-config";
import { closestMatch, editDistance } from "../../config/suggest";
import { ConfigValidationError } from "../../config/validation";
import { ML_CONFIG_PATH } from "../../infra/program-config";
import { readJsonFile } from "../../tools/offline/stack-files";
import { parseStackConfig, StackConfigError } from "../../infra/stack-config";
import { packConfigFor } from "../../policy/evaluator/evaluate";

// A config document edited in place; its shape is the point of each case.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const dir = mkdtempSync(join(tmpdir(), "config-errors-"));

function written(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The message `run` throws. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return assert.fail("expected an error");
}

/** A long config whose error is on line 42, far from both ends: V8 quotes only an excerpt. */
const LONG = `{\n${Array.from({ length: 40 }, (_, i) => `  "k${i}": ${i},`).join("\n")}\n  "x": }\n${" ".repeat(30)}}`;

describe("JSON syntax errors say file, line and column", () => {
  it("places V8's messages of Node 20 and Node 22 alike, with or without an offset", () => {
    const cases: [string, string, { line: number; column: number } | undefined][] = [
      // Node 22 states the line and column.
      [
        "{\n  bad\n}",
        "Expected property name or '}' in JSON at position 4 (line 2 column 3)",
        { line: 2, column: 3 },
      ],
      // Node 20 gives the offset only.
      ["{\n  bad\n}", "Expected property name or '}' in JSON at position 4", { line: 2, column: 3 }],
      // Both quote an unexpected token: the whole of a short text, ten characters around it in a long one.
      ['{"a":}', `Unexpected token '}', "{"a":}" is not valid JSON`, { line: 1, column: 6 }],
      [LONG, `Unexpected token '}', ..."9,\n  "x": }\n      "... is not valid JSON`, { line: 42, column: 8 }],
      ['{"a": 1', "Unexpected end of JSON input", { line: 1, column: 8 }],
      ["{}", "something else entirely", undefined],
    ];
    for (const [text, message, expected] of cases)
      assert.deepEqual(jsonErrorPosition(text, message), expected, message);
    assert.equal(
      jsonErrorReason("Expected ',' or '}' after property value in JSON at position 9 (line 3 column 1)"),
      "Expected ',' or '}' after property value",
    );
    assert.equal(jsonErrorReason(`Unexpected token '}', "{"a":}" is not valid JSON`), "Unexpected token '}'");
    assert.equal(
      jsonErrorReason("Unexpected non-whitespace character after JSON at position 8"),
      "Unexpected non-whitespace character after JSON",
    );
  });

  it("this Node's own message for an unexpected token in a long file is placed too", () => {
    const message = thrown(() => JSON.parse(LONG));
    assert.deepEqual(jsonErrorPosition(LONG, message), { line: 42, column: 8 });
  });

  it("the ML config", () => {
    const path = written("ml.json", '{\n  "name": "x",\n  "gate": }\n');
    assert.equal(
      thrown(() => loadMlPipelineConfig(path)),
      `Invalid ML pipeline config ${path}:3:11: not valid JSON (Unexpected token '}')`,
    );
  });

  it("a file handed to a CLI (--stack-outputs)", () => {
    const path = written("outputs.json", LONG);
    assert.equal(
      thrown(() => readJsonFile(path, "--stack-outputs")),
      `--stack-outputs ${path}:42:8 is not valid JSON (Unexpected token '}')`,
    );
  });

  it("a policy pack's stack config (<pack>/<stack>.json)", () => {
    const pack = mkdtempSync(join(tmpdir(), "pack-"));
    writeFileSync(join(pack, "prod.json"), '{\n  "all": "mandatory",\n}\n');
    assert.equal(
      thrown(() => packConfigFor({ name: "p", dir: pack, policies: [] }, "prod")),
      `policy pack config ${join(pack, "prod.json")}:3:1 is not valid JSON (Expected double-quoted property name)`,
    );
  });
});

describe("unknown keys get the key they were probably meant to be", () => {
  const good = JSON.parse(readFileSync(ML_CONFIG_PATH, "utf8")) as Doc;
  function mlProblems(edit: (doc: Doc) => void): string[] {
    const doc = structuredClone(good);
    edit(doc);
    try {
      parseMlPipelineConfig(doc, "edited");
    } catch (error) {
      assert.ok(error instanceof ConfigValidationError);
      return error.problems;
    }
    return assert.fail("expected rejection");
  }
  const unknownKey = (problems: string[]) => problems.find((p) => p.startsWith("unknown key"));

  it("ML config: a wrong capital, a swapped pair, a key inside a list", () => {
    const renamed = (doc: Doc, from: string, to: string) => {
      doc[to] = doc[from];
      delete doc[from];
    };
    assert.equal(
      unknownKey(mlProblems((doc) => renamed(doc.gate, "minTestAuc", "minTestAUC"))),
      "unknown key gate.minTestAUC: did you mean gate.minTestAuc?",
    );
    assert.equal(
      unknownKey(mlProblems((doc) => renamed(doc.training, "volumeSizeGb", "volumeSzieGb"))),
      "unknown key training.volumeSzieGb: did you mean training.volumeSizeGb?",
    );
    // A one-hot group, an object in a list of names: its problems are its own, not "Invalid input".
    const group = (good.data.features as unknown[]).findIndex((entry) => typeof entry === "object");
    assert.deepEqual(
      mlProblems((doc) => renamed(doc.data.features[group], "values", "valuse")),
      [
        `data.features[${group}].values = (missing): required (array)`,
        `unknown key data.features[${group}].valuse: did you mean data.features[${group}].values?`,
      ],
    );
  });

  it("ML config: nothing close, or the close key already set, is no suggestion", () => {
    assert.equal(
      unknownKey(mlProblems((doc) => (doc.gate.threshold = 0.5))),
      "unknown key gate.threshold: remove it or fix the spelling",
    );
    assert.equal(
      unknownKey(mlProblems((doc) => (doc.gate.minTestAUC = 0.5))),
      "unknown key gate.minTestAUC: remove it or fix the spelling",
    );
  });

  it("stack config: mlops:brnach is mlops:branch", () => {
    const raw = {
      "aws:region": "eu-west-1",
      "mlops:stateBackendUrl": "s3://state-bucket/mlops",
      "mlops:deployRoleArn": "arn:aws:iam::111122223333:role/deployer",
      "mlops:brnach": "main",
    };
    try {
      parseStackConfig("test", raw);
      assert.fail("expected rejection");
    } catch (error) {
      assert.ok(error instanceof StackConfigError);
      assert.deepEqual(error.problems, ["unknown key mlops:brnach: did you mean mlops:branch?"]);
    }
  });

  it("edit distance counts a swap of neighbours as one edit; only near misses are suggested", () => {
    assert.equal(editDistance("brnach", "branch"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(closestMatch("minTestAUC", ["maxTestError", "minTestAuc"]), "minTestAuc");
    assert.equal(closestMatch("tags", ["vpc", "tag", "tagz"]), "tag");
    assert.equal(closestMatch("region", ["branch", "rollout"]), undefined);
  });
});
