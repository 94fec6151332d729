import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { mlPipelineConfigSchema } from "./ml-config";

/** The JSON Schema editors use for `ml-pipeline-config.json`; a test keeps the committed file current. */
export function mlPipelineJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(mlPipelineConfigSchema, { io: "input", unrepresentable: "any" }), null, 2)}\n`;
}

async function main(): Promise<void> {
  const target = join(__dirname, "ml-pipeline-config.schema.json");
  // Formatted as the repository's prettier config would, so `npm test`'s format check passes.
  const prettier = await import("prettier");
  const options = { ...(await prettier.resolveConfig(target)), filepath: target };
  writeFileSync(target, await prettier.format(mlPipelineJsonSchema(), options));
  console.log(`wrote ${target}`);
}

if (require.main === module) void main();
