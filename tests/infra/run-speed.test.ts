import { strict as assert } from "node:assert";
import { keepTranspiledModules, withUnmappedStackTraces } from "../../infra/offline/run-speed";

const REGISTERED = Symbol.for("ts-node.register.instance");
type Registry = Record<symbol, unknown>;

describe("offline runs skip work they do not need", () => {
  it("a module's transpiled output is kept per file and source: the same source is transpiled once", () => {
    const registry = process as unknown as Registry;
    const real = registry[REGISTERED];
    const calls: string[] = [];
    const service = { compile: (code: string, fileName: string) => (calls.push(fileName), `js(${code})`) };
    registry[REGISTERED] = service;
    try {
      keepTranspiledModules();
      assert.equal(service.compile("a", "/p/x.ts"), "js(a)");
      assert.equal(service.compile("a", "/p/x.ts"), "js(a)");
      assert.equal(service.compile("b", "/p/x.ts"), "js(b)", "an edited source is transpiled again");
      assert.equal(service.compile("a", "/p/y.ts"), "js(a)");
      assert.deepEqual(calls, ["/p/x.ts", "/p/x.ts", "/p/y.ts"]);
      keepTranspiledModules();
      service.compile("a", "/p/x.ts");
      assert.equal(calls.length, 3, "wrapping twice keeps one cache");
    } finally {
      registry[REGISTERED] = real;
    }
  });

  it("stack traces are V8's own frames during a run and mapped again after it, even when it fails", async () => {
    const mapped = Error.prepareStackTrace;
    await assert.rejects(
      withUnmappedStackTraces(async () => {
        assert.notEqual(Error.prepareStackTrace, mapped);
        const stack = new Error("inside the run").stack ?? "";
        assert.match(stack, /^Error: inside the run\n {4}at /);
        throw new Error("the program failed");
      }),
      /the program failed/,
    );
    assert.equal(Error.prepareStackTrace, mapped);
  });
});
