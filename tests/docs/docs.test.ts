import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../../tools/offline/harness";
import { generatedDocs } from "../../tools/docs/write-docs";
import { offline } from "../helpers/offline";

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");
const pages = ["README.md", ...readdirSync(join(PROJECT_ROOT, "docs")).map((file) => `docs/${file}`)];

describe("docs", function () {
  this.timeout(120_000);

  it("docs/configuration.md and docs/stack-inventory.md match the code (npm run docs)", async () => {
    const runs = [await offline({ stack: "test" }), await offline({ stack: "prod" })];
    for (const [file, expected] of Object.entries(await generatedDocs(runs))) {
      assert.equal(
        readFileSync(file, "utf8"),
        expected,
        `${relative(PROJECT_ROOT, file)} is stale: run npm run docs`,
      );
    }
  });

  it("the README is short and starts with the two fresh-machine commands", () => {
    const readme = read("README.md");
    assert.ok(Buffer.byteLength(readme) <= 10 * 1024, `README.md is ${Buffer.byteLength(readme)} bytes`);
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1].trim());
    assert.match(blocks[0], /npm ci && npm start$/);
    assert.match(blocks[1], /npm ci && npm test$/);
    for (const command of blocks.slice(0, 2))
      assert.match(command, /\$\(command -v sudo\)/, "must run as root without sudo");
  });

  it("every relative link in the README and docs/ points at a file that exists", () => {
    for (const page of pages) {
      for (const [, target] of read(page).matchAll(/\]\(([^)#:\s]+)(#[^)]*)?\)/g)) {
        const file = resolve(dirname(join(PROJECT_ROOT, page)), target);
        assert.ok(existsSync(file), `${page} links to ${target}, which does not exist`);
      }
    }
  });
});
