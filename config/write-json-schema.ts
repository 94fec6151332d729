import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { mlPipelineConfigSchema } from "./schema";

/** The JSON Schema editors use for `ml-pipeline-config.json`; a test keeps the committed file current. */
export function mlPipelineJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(mlPipelineConfigSchema, { io: "input", unrepresentable: "any" }), null, 2)}\n`;
}

if (require.main === module) {
  const target = join(__dirname, "ml-pipeline-config.schema.json");
  writeFileSync(target, mlPipelineJsonSchema());
  console.log(`wrote ${target}`);
}
