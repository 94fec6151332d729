import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = join(__dirname, "..", "..", "tools", "build", "typecheck.cjs");
const SKIPPED = /no input changed since the last passing check \(\d+ files\)/;

/** A project with one source and one dependency whose typings it uses. */
function project(): { root: string; typings: string } {
  const root = mkdtempSync(join(tmpdir(), "typecheck-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "node_modules", "dep"), { recursive: true });
  writeFileSync(
    join(root, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, types: [], noLib: true }, include: ["src"] }),
  );
  // The few global types TypeScript needs without its libs: a check here takes ~0.4 s, not ~1.3 s.
  const globals = [
    "Array<T>",
    "Boolean",
    "CallableFunction",
    "Function",
    "IArguments",
    "NewableFunction",
    "Number",
    "Object",
    "RegExp",
    "String",
  ];
  writeFileSync(join(root, "src", "globals.d.ts"), globals.map((name) => `interface ${name} {}\n`).join(""));
  writeFileSync(join(root, "package-lock.json"), "{}");
  writeFileSync(join(root, "node_modules", "dep", "package.json"), '{"name": "dep", "types": "index.d.ts"}');
  const typings = join(root, "node_modules", "dep", "index.d.ts");
  writeFileSync(typings, "export declare function twice(value: number): number;\n");
  writeFileSync(
    join(root, "src", "main.ts"),
    'import { twice } from "dep";\nexport const four = twice(2);\n',
  );
  return { root, typings };
}

const typecheck = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });

describe("npm run typecheck (tools/build/typecheck.cjs)", function () {
  this.timeout(60_000);

  it("skips a check whose inputs did not change; a dependency's changed typings, or an added source, are checked", () => {
    const { root, typings } = project();
    const first = typecheck(root);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.doesNotMatch(first.stdout, SKIPPED);
    const second = typecheck(root);
    assert.equal(second.status, 0);
    assert.match(second.stdout, SKIPPED);
    // What `tsc -b` misses: the project is unchanged, a dependency's declaration is not.
    writeFileSync(typings, "export declare function twice(value: string): number;\n");
    const changed = typecheck(root);
    assert.equal(changed.status, 2, changed.stdout);
    assert.match(changed.stdout, /main\.ts\(2,\d+\): error TS2345/);
    writeFileSync(join(root, "src", "bad.ts"), "export const n: number = 'text';\n");
    const added = typecheck(root);
    assert.equal(added.status, 2, "a failed check is never skipped");
    assert.match(added.stdout, /bad\.ts\(1,\d+\): error TS2322/);
  });
});
