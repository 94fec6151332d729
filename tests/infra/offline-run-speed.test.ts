import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { withUnmappedStackTraces } from "../../tools/offline/stack-traces";
import { keepTranspiledModules, TRANSPILE_CACHE_DIR } from "../../tools/offline/transpile-cache";

const ROOT = resolve(__dirname, "..", "..");

const REGISTERED = Symbol.for("ts-node.register.instance");
type Registry = Record<symbol, unknown>;

describe("offline runs skip work they do not need", () => {
  /** A stand-in for ts-node's registered service, counting what it is asked to transpile. */
  function fakeService(transpileOnly = true) {
    const calls: string[] = [];
    const service = {
      options: { transpileOnly },
      config: { options: { target: "es2022", salt: `${process.pid}-${Date.now()}-${Math.random()}` } },
      ts: { version: "test" },
      compile: (code: string, fileName: string) => (calls.push(fileName), `js(${code})`),
    };
    return { service, calls };
  }

  function withRegistered<T>(service: object, body: () => T): T {
    const registry = process as unknown as Registry;
    const real = registry[REGISTERED];
    registry[REGISTERED] = service;
    try {
      return body();
    } finally {
      registry[REGISTERED] = real;
    }
  }

  it("a module's transpiled output is kept per file and source: the same source is transpiled once", () => {
    const { service, calls } = fakeService();
    withRegistered(service, () => {
      keepTranspiledModules();
      assert.equal(service.compile("a", "/p/x.ts"), "js(a)");
      assert.equal(service.compile("a", "/p/x.ts"), "js(a)");
      assert.equal(service.compile("b", "/p/x.ts"), "js(b)", "an edited source is transpiled again");
      assert.equal(service.compile("a", "/p/y.ts"), "js(a)");
      assert.deepEqual(calls, ["/p/x.ts", "/p/x.ts", "/p/y.ts"]);
      keepTranspiledModules();
      service.compile("a", "/p/x.ts");
      assert.equal(calls.length, 3, "wrapping twice keeps one cache");
    });
  });

  it("a later process reads a kept module from disk instead of transpiling it; other options do not", () => {
    const first = fakeService();
    withRegistered(first.service, () => keepTranspiledModules());
    first.service.compile("const a = 1;", "/p/kept.ts");
    // A second process: a new service with the same compiler version and options.
    const second = fakeService();
    second.service.config = first.service.config;
    withRegistered(second.service, () => keepTranspiledModules());
    assert.equal(second.service.compile("const a = 1;", "/p/kept.ts"), "js(const a = 1;)");
    assert.deepEqual(second.calls, [], "read from disk");
    const other = fakeService();
    withRegistered(other.service, () => keepTranspiledModules());
    other.service.compile("const a = 1;", "/p/kept.ts");
    assert.deepEqual(other.calls, ["/p/kept.ts"], "other compiler options transpile afresh");
  });

  it("type-checking ts-node is left alone: a module's errors can depend on other files", () => {
    const { service } = fakeService(false);
    const compile = service.compile;
    withRegistered(service, () => keepTranspiledModules());
    assert.equal(service.compile, compile);
  });

  it("a stack trace from a kept module points into its TypeScript source, in a later process too", () => {
    const dir = mkdtempSync(join(tmpdir(), "kept-"));
    const file = join(dir, `thrower-${process.pid}-${Date.now()}.ts`);
    // Type-only lines vanish from the JavaScript, so an unmapped trace would name another line.
    writeFileSync(file, 'interface A {\n  a: number;\n}\ntype B = A;\nthrow new Error("line 5");\n');
    for (const run of ["transpiled", "read from disk"]) {
      const done = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", file], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.match(done.stderr, new RegExp(`${basename(file)}:5:7`), `${run}: ${done.stderr}`);
    }
    assert.ok(readdirSync(TRANSPILE_CACHE_DIR).length > 0);
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
