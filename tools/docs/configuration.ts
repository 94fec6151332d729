import { z } from "zod";
import { mlPipelineConfigSchema } from "../../config/ml-config";
import { PROJECT, stackConfigSchema, STACKS, type StackName } from "../../infra/stack-config";
import { markdownTable, settingRows, type JsonSchema, type SettingRow } from "./json-schema-table";

/** docs/configuration.md: every setting of both stacks and of the ML config, from the schemas that validate them. */

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

const stackKey = (key: string) => (key.split(".")[0].includes(":") ? key : `${PROJECT}:${key}`);

function stackRows(stack: StackName): SettingRow[] {
  return settingRows(jsonSchema(stackConfigSchema(stack)));
}

/** Settings both stacks take alike, then each stack's own. */
function stackSections(): string {
  const [test, prod] = STACKS.map(stackRows);
  const same = (row: SettingRow) => prod.some((other) => JSON.stringify(other) === JSON.stringify(row));
  const shared = test.filter(same);
  const only = (rows: SettingRow[]) => rows.filter((row) => !shared.some((s) => s.key === row.key));
  return [
    "### Both stacks",
    markdownTable(shared, stackKey),
    "### `test` stack",
    markdownTable(only(test), stackKey),
    "### `prod` stack",
    markdownTable(only(prod), stackKey),
  ].join("\n\n");
}

export function configurationReference(): string {
  return `# Configuration reference

Generated from the schemas that validate the settings (\`infra/stack-config.ts\`, \`config/ml-config.ts\`):
\`npm run docs\` rewrites this file, and a test fails when it is out of date.

## Stack settings (\`Pulumi.<stack>.yaml\`)

Validated once per run; unknown keys are rejected, so a typo is caught rather than ignored. Set them
with \`pulumi config set <key> <value> -s <stack>\` (objects and lists as JSON, with \`--path\` for one
field). A dotted key is a field of the object above it.

${stackSections()}

## ML pipeline settings (\`config/ml-pipeline-config.json\`)

One zod schema validates this file for the Pulumi program, the Lambda handlers and local mode; the JSON
Schema generated from it (\`config/ml-pipeline-config.schema.json\`) gives editors completion and these
descriptions. Errors name the field, the value and what is allowed, e.g.
\`data.split = {...}: train + validation + test must add up to 1 (they add up to 1.15)\`.

${markdownTable(settingRows(jsonSchema(mlPipelineConfigSchema)))}
`;
}
