import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { PACKS } from "../../policy/evaluator/evaluate";
import { PACK_DIRS, POLICY_DIR, sharedCopies } from "../../policy/shared-copies";

/**
 * What `pulumi policy publish` needs of a pack directory, read from its files: nothing imported from
 * outside it, every package it imports declared and pinned, its lib/ copies fresh.
 */

const sourcesOf = (pack: string) =>
  readdirSync(join(POLICY_DIR, pack), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.startsWith("node_modules"))
    .map((file) => ({ file, text: readFileSync(join(POLICY_DIR, pack, file), "utf8") }));

const specifiers = (text: string) => [...text.matchAll(/(?:from|import\() ?"([^"]+)"/g)].map((m) => m[1]);

const packageOf = (specifier: string) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];

describe("policy packs: each directory is a whole project", () => {
  for (const pack of PACK_DIRS) {
    const root = join(POLICY_DIR, pack);

    it(`${pack}: no import reaches outside the pack`, () => {
      const outside = sourcesOf(pack).flatMap(({ file, text }) =>
        specifiers(text)
          .filter((s) => s.startsWith("."))
          .filter((s) => relative(root, resolve(root, dirname(file), s)).startsWith(".."))
          .map((s) => `${file} imports ${s}`),
      );
      assert.deepEqual(outside, []);
    });

    it(`${pack}: every package it imports is a pinned dependency of its own package.json`, () => {
      const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
        main: string;
      };
      const imported = new Set(
        sourcesOf(pack).flatMap(({ text }) =>
          specifiers(text)
            .filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s))
            .map(packageOf),
        ),
      );
      // The CLI compiles index.ts with the pack's own TypeScript and ts-node.
      for (const needed of [...imported, "typescript", "ts-node"])
        assert.ok(manifest.dependencies[needed], `${needed} is not a dependency of policy/${pack}`);
      for (const [name, version] of Object.entries(manifest.dependencies))
        assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is not pinned: ${version}`);
      assert.equal(manifest.main, "index.ts");
      const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
        packages: Record<string, { dependencies?: Record<string, string> }>;
      };
      assert.deepEqual(lock.packages[""].dependencies, manifest.dependencies, "package-lock.json is stale");
    });

    it(`${pack}: lib/ holds exactly the fresh copies of policy/shared it needs (npm run policy:build)`, () => {
      const expected = sharedCopies(pack);
      assert.deepEqual(readdirSync(join(root, "lib")).sort(), [...expected.keys()].sort());
      for (const [file, content] of expected)
        assert.equal(readFileSync(join(root, "lib", file), "utf8"), content, `lib/${file} is stale`);
    });
  }

  it("the offline evaluator runs every pack directory there is", () => {
    assert.deepEqual(PACKS.map((pack) => relative(POLICY_DIR, pack.dir)).sort(), [...PACK_DIRS].sort());
  });

  it("a pack that imports a helper policy/shared lacks is refused by the build", () => {
    assert.throws(() => sharedCopies("../tests/fixtures/pack-with-missing-helper"), /imports lib\/nope/);
  });
});
