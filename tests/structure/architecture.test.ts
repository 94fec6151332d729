import { ESLint } from "eslint";
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as ts from "typescript";

/**
 * The structure docs/architecture.md describes, checked: the direction of dependency (eslint), no
 * import cycle, functions that read in one screen where the issue asks for it, exported functions
 * without one-letter parameters, and component arguments that are readonly and documented.
 */

const ROOT = resolve(__dirname, "..", "..");
const LAYERS = ["config", "functions", "infra", "tools", "local", "policy"];

function sources(dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.includes("node_modules"))
      .map((file) => join(ROOT, dir, file)),
  );
}

const parsed = new Map<string, ts.SourceFile>();
/** Each check walks the same ~300 files: one parse per file and text serves them all. */
function parse(file: string): ts.SourceFile {
  const text = readFileSync(file, "utf8");
  const known = parsed.get(file);
  if (known?.text === text) return known;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  parsed.set(file, sf);
  return sf;
}

/** Relative imports of a file, resolved to files. */
function importsOf(file: string): string[] {
  const found: string[] = [];
  parse(file).forEachChild((node) => {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) return;
    const specifier = node.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) return;
    const base = resolve(dirname(file), specifier.text);
    const target = [`${base}.ts`, join(base, "index.ts")].find(existsSync);
    if (target) found.push(target);
  });
  return found;
}

/** Cycles in the import graph, type-only imports included (a type cycle ties modules as much), each as a path of files. */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  files.forEach((f) => state.has(f) || visit(f));
  return cycles.map((cycle) => cycle.map((f) => relative(ROOT, f)));
}

/** Functions longer than `max` lines, as `file:line name (n lines)`. */
export function longFunctions(files: string[], max: number): string[] {
  const found: string[] = [];
  for (const file of files) {
    const sf = parse(file);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
        const lines = sf.getLineAndCharacterOfPosition(node.getEnd()).line - start + 1;
        const name = (node as ts.FunctionDeclaration).name?.getText() ?? ts.SyntaxKind[node.kind];
        if (lines > max) found.push(`${relative(ROOT, file)}:${start + 1} ${name} (${lines} lines)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** Exported functions with a one-letter parameter name. */
export function oneLetterParameters(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    parse(file).forEachChild((node) => {
      const exported =
        ts.canHaveModifiers(node) &&
        ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported || !ts.isFunctionDeclaration(node)) return;
      for (const parameter of node.parameters)
        if (/^[a-z]$/i.test(parameter.name.getText()))
          found.push(`${relative(ROOT, file)} ${node.name?.getText()}(${parameter.name.getText()})`);
    });
  }
  return found;
}

/** Members of an inline object type (at any depth) that are not readonly, as dotted paths. */
function looseNested(type: ts.TypeNode | undefined): string[] {
  if (!type || !ts.isTypeLiteralNode(type)) return [];
  return type.members.filter(ts.isPropertySignature).flatMap((member) => {
    const name = member.name.getText();
    const readonly = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
    return [...(readonly ? [] : [name]), ...looseNested(member.type).map((inner) => `${name}.${inner}`)];
  });
}

/** `…Args` fields (and the fields of their inline object types) that are not readonly or have no JSDoc. */
export function looseArgs(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    parse(file).forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member)) continue;
        const readonly = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
        const documented = ts.getJSDocCommentsAndTags(member).length > 0;
        if (!readonly || !documented)
          found.push(
            `${relative(ROOT, file)} ${node.name.text}.${member.name.getText()}${readonly ? "" : " not readonly"}${documented ? "" : " undocumented"}`,
          );
        for (const nested of looseNested(member.type))
          found.push(
            `${relative(ROOT, file)} ${node.name.text}.${member.name.getText()}.${nested} not readonly`,
          );
      }
    });
  }
  return found;
}

describe("architecture", function () {
  this.timeout(60_000);

  it("has no import cycle", () => {
    assert.deepEqual(importCycles(sources(LAYERS)), []);
  });

  it("keeps functions in local/, infra/ and policy/evaluator/ within 80 lines", () => {
    // The state machine's definition is literal Amazon States Language: it reads as ASL, one state
    // after another, and splitting it would hide the flow the console draws from it.
    const readsAsAsl = (found: string) => /^infra\/ml\/state-machine\.ts:\d+ pipelineDefinition /.test(found);
    const long = longFunctions(sources(["local", "infra", "policy/evaluator"]), 80);
    assert.deepEqual(
      long.filter((found) => !readsAsAsl(found)),
      [],
    );
  });

  it("infra/ holds the Pulumi program, not tooling: no command lines, no offline harness", () => {
    const tooling = sources(["infra"]).filter((file) =>
      /\bprocess\.argv\b|from "commander"|runOffline\(/.test(readFileSync(file, "utf8")),
    );
    assert.deepEqual(
      tooling.map((file) => relative(ROOT, file)),
      [],
    );
  });

  it("names the parameters of exported functions (no one-letter names)", () => {
    assert.deepEqual(oneLetterParameters(sources(LAYERS)), []);
  });

  it("gives every component argument readonly and a JSDoc line", () => {
    assert.deepEqual(looseArgs(sources(["infra"])), []);
  });

  it("lints the direction of dependency: a planted import against it is an error", async () => {
    // The planted files exist only as text, so the type-aware rules (which need a file the project
    // service can find) are switched off here; the import restrictions need no types.
    const eslint = new ESLint({
      cwd: ROOT,
      overrideConfig: {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: false } },
        rules: {
          "@typescript-eslint/no-floating-promises": "off",
          "@typescript-eslint/no-misused-promises": "off",
          "@typescript-eslint/await-thenable": "off",
        },
      },
    });
    const planted: [string, string][] = [
      [
        "functions/planted.ts",
        'import { CicdBackbone } from "../infra/cicd/backbone";\nexport const x = CicdBackbone;\n',
      ],
      [
        "functions/planted-pulumi.ts",
        'import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n',
      ],
      [
        "config/planted.ts",
        'import { handler } from "../functions/controller";\nexport const x = handler;\n',
      ],
      [
        "infra/planted.ts",
        'import { runLocalPipeline } from "../local/run/pipeline";\nexport const x = runLocalPipeline;\n',
      ],
      [
        "infra/planted-tools.ts",
        'import { runOffline } from "../tools/offline/harness";\nexport const x = runOffline;\n',
      ],
      [
        "tools/offline/planted.ts",
        'import { runLocalPipeline } from "../../local/run/pipeline";\nexport const x = runLocalPipeline;\n',
      ],
      [
        "local/planted.ts",
        'import { previewCommand } from "../tools/cli/preview-command";\nexport const x = previewCommand;\n',
      ],
    ];
    for (const [filePath, code] of planted) {
      const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
      assert.ok(
        result.messages.some((m) => m.ruleId === "no-restricted-imports"),
        `${filePath}: ${JSON.stringify(result.messages)}`,
      );
    }
  });

  it("the checks themselves catch what they look for (planted)", () => {
    const dir = join(ROOT, "tests", "structure", "planted");
    assert.deepEqual(importCycles([join(dir, "a.ts"), join(dir, "b.ts")]), [
      ["tests/structure/planted/a.ts", "tests/structure/planted/b.ts", "tests/structure/planted/a.ts"],
    ]);
    assert.match(longFunctions([join(dir, "a.ts")], 3)[0], /a\.ts:\d+ long \(\d+ lines\)/);
    assert.deepEqual(oneLetterParameters([join(dir, "a.ts")]), ["tests/structure/planted/a.ts long(n)"]);
    assert.deepEqual(looseArgs([join(dir, "b.ts")]), [
      "tests/structure/planted/b.ts PlantedArgs.size not readonly undocumented",
      "tests/structure/planted/b.ts PlantedArgs.limits.high not readonly",
    ]);
  });
});
