import { strict as assert } from "node:assert";
import * as prettier from "prettier";
import { z } from "zod";
import { mlPipelineConfigSchema } from "../../config/ml-config";
import { STACKS, stackConfigSchema } from "../../infra/stack-config";
import { configurationReference } from "../../tools/docs/configuration";
import { markdownTable, typeOf, type JsonSchema, type SettingRow } from "../../tools/docs/json-schema-table";

const typeOfZod = (schema: z.ZodType) => typeOf(z.toJSONSchema(schema, { io: "input" }) as JsonSchema);

/** The type column of a setting's row in the generated page, spaces collapsed as prettier pads them. */
function typeColumn(page: string, key: string): string {
  const row = page.split("\n").find((line) => line.startsWith(`| \`${key}\``));
  assert.ok(row, `no row for ${key}`);
  return row.split(/(?<!\\)\|/)[2].trim();
}

/** Keywords zod writes that the type column leaves out, and why. */
const NOT_SHOWN: Record<string, string> = {
  $schema: "the document's dialect, not a setting",
  pattern: "a regex reads worse than the description, which says what the pattern allows",
  propertyNames: "map keys: the description names them",
  description: "its own column",
  default: "its own column",
  required: "its own column",
};

const SHOWN = new Set(
  "type enum const minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength minItems maxItems format properties items additionalProperties anyOf oneOf".split(
    " ",
  ),
);

function keywordsOf(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => keywordsOf(item, found));
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      found.add(key);
      // Under properties the keys are setting names, not keywords.
      if (key === "properties") Object.values(value as object).forEach((child) => keywordsOf(child, found));
      else if (key !== "default" && key !== "enum" && key !== "const") keywordsOf(value, found);
    }
  }
  return found;
}

describe("docs/configuration.md: every bound the schema knows", function () {
  this.timeout(60_000);

  it("the serverless memory size reads 1024–6144 in steps of 1024", () => {
    const page = configurationReference();
    for (const endpoint of ["test", "prod"])
      assert.equal(
        typeColumn(page, `endpoints.${endpoint}.serverless.memorySizeMb`),
        "whole number 1024–6144 in steps of 1024",
      );
  });

  it("numbers: inclusive and exclusive bounds, steps, and no ±MAX_SAFE_INTEGER zod adds to whole numbers", () => {
    assert.equal(typeOfZod(z.number().int()), "whole number");
    assert.equal(typeOfZod(z.number().int().min(0)), "whole number ≥ 0");
    assert.equal(typeOfZod(z.number().int().positive()), "whole number > 0");
    assert.equal(typeOfZod(z.number().min(0).max(1)), "number 0–1");
    assert.equal(typeOfZod(z.number().positive().max(1)), "number > 0 and ≤ 1");
    assert.equal(typeOfZod(z.number().min(0).lt(1)), "number ≥ 0 and < 1");
    assert.equal(typeOfZod(z.number().max(100)), "number ≤ 100");
    assert.equal(typeOfZod(z.number().multipleOf(0.5).min(1).max(3)), "number 1–3 in steps of 0.5");
    // Values 1024, 2048, …: "1000–6144 in steps of 1024" would say 1000, 2024, …
    assert.equal(
      typeOfZod(z.number().int().min(1000).max(6144).multipleOf(1024)),
      "whole number 1000–6144 (a multiple of 1024)",
    );
    assert.equal(typeOfZod(z.number().int().multipleOf(5)), "whole number (a multiple of 5)");
  });

  it("strings and lists: their lengths", () => {
    assert.equal(typeOfZod(z.string()), "string");
    assert.equal(typeOfZod(z.string().min(1)), "non-empty string");
    assert.equal(typeOfZod(z.string().min(3)), "string of at least 3 characters");
    assert.equal(typeOfZod(z.string().max(48)), "string of at most 48 characters");
    assert.equal(typeOfZod(z.string().min(2).max(48)), "string of 2–48 characters");
    assert.equal(typeOfZod(z.string().length(12)), "string of 12 characters");
    assert.equal(typeOfZod(z.email()), "email");
    assert.equal(typeOfZod(z.array(z.string()).min(1)), "list of string (at least 1 item)");
    assert.equal(typeOfZod(z.array(z.string()).max(10)), "list of string (at most 10 items)");
    assert.equal(typeOfZod(z.array(z.string()).min(2).max(10)), "list of string (2–10 items)");
    assert.equal(typeOfZod(z.array(z.string()).length(2)), "list of string (exactly 2 items)");
  });

  it("every keyword the project's schemas produce is shown, or left out for a stated reason", () => {
    const schemas = [mlPipelineConfigSchema, ...STACKS.map(stackConfigSchema)] as z.ZodType[];
    const found = new Set<string>();
    for (const schema of schemas)
      keywordsOf(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), found);
    const unknown = [...found].filter((key) => !SHOWN.has(key) && !(key in NOT_SHOWN));
    assert.deepEqual(unknown, [], `json-schema-table.ts drops these keywords: ${unknown.join(", ")}`);
  });

  it("an asterisk in a meaning survives prettier's reading of the table", async () => {
    const row: SettingRow = {
      key: "data.filePattern",
      type: "string",
      required: false,
      description: "default: the stem then *, e.g. `churn*.csv` or churn*.csv | more",
    };
    const formatted = await prettier.format(markdownTable([row]), { parser: "markdown" });
    assert.match(formatted, /the stem then \\\*, e\.g\. `churn\*\.csv` or churn\\\*\.csv \\\| more/);
  });
});
