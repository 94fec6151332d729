import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stateMachineFor, validationMarker } from "../../local/aws/state-machines";

describe("state machines for local runs", () => {
  it("a definition is validated on its first construction: an invalid one is refused every time", () => {
    const invalid = { StartAt: "Missing", States: { A: { Type: "Pass", End: true } } };
    assert.throws(() => stateMachineFor(invalid));
    assert.throws(() => stateMachineFor(invalid), "a refused definition is not remembered as valid");
  });

  it("a valid definition runs each time it is constructed (validated on the first only)", async () => {
    const definition = { StartAt: "A", States: { A: { Type: "Pass", Result: { ok: 1 }, End: true } } };
    for (let i = 0; i < 2; i++) {
      const { result } = stateMachineFor(definition).run({});
      assert.deepEqual(await result, { ok: 1 });
    }
  });

  it("a passing definition is remembered on disk for later processes; a refused one is not", () => {
    const name = `Pass${process.pid}${Date.now()}`;
    // Fresh objects: the library adds its defaults to the definition it is given.
    const valid = () => ({ StartAt: name, States: { [name]: { Type: "Pass", End: true } } });
    const invalid = () => ({ StartAt: "Missing", States: { [name]: { Type: "Pass", End: true } } });
    assert.throws(() => stateMachineFor(invalid()));
    assert.ok(!existsSync(validationMarker(invalid())));
    stateMachineFor(valid());
    assert.ok(existsSync(validationMarker(valid())));
  });

  it("a definition remembered on disk is constructed without validating it again", () => {
    const name = `Remembered${process.pid}${Date.now()}`;
    const invalid = { StartAt: "Missing", States: { [name]: { Type: "Pass", End: true } } };
    const marker = validationMarker(invalid);
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, "");
    try {
      assert.doesNotThrow(() => stateMachineFor(invalid), "the validator was not asked again");
    } finally {
      rmSync(marker);
    }
  });
});
