import { strict as assert } from "node:assert";
import { stateMachineFor } from "../../local/state-machines";

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
});
