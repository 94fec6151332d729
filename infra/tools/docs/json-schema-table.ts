/**
 * Renders a JSON Schema (as zod's `toJSONSchema` writes it) as Markdown table rows, one per setting,
 * nested objects flattened to dotted keys, so the reference is made from the schema that validates.
 */

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
}

export interface SettingRow {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

const code = (text: string) => `\`${text}\``;

/** A setting's type in words: "whole number 1–50", "one of `CANARY`, `LINEAR`", "list of string". */
export function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.enum) return `one of ${schema.enum.map((v) => code(String(v))).join(", ")}`;
  if (schema.const !== undefined) return code(String(schema.const));
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  if (type === "array") return `list of ${schema.items ? typeOf(schema.items) : "any"}${sizeOf(schema)}`;
  if (type === "object" && !schema.properties && typeof schema.additionalProperties === "object")
    return `map of ${typeOf(schema.additionalProperties)}`;
  if (type === "integer" || type === "number")
    return `${type === "integer" ? "whole number" : "number"}${rangeOf(schema)}`;
  return schema.format === "email" ? "email" : type;
}

function rangeOf(schema: JsonSchema): string {
  const low =
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? `>${schema.exclusiveMinimum}` : undefined);
  // zod writes MAX_SAFE_INTEGER as the maximum of every whole number; it is no limit a person sets.
  const high = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
  if (low === undefined && high === undefined) return "";
  if (high === undefined) return ` ≥ ${low}`.replace("≥ >", "> ");
  return ` ${low ?? "…"}–${high}`;
}

function sizeOf(schema: JsonSchema): string {
  if (schema.minItems === undefined && schema.maxItems === undefined) return "";
  if (schema.maxItems === undefined) return ` (at least ${schema.minItems})`;
  return ` (${schema.minItems ?? 0}–${schema.maxItems} items)`;
}

/**
 * One row per setting, an object's fields after it as dotted keys. A field's default is its own, or
 * its value in the object's default; the object's row then shows no default of its own.
 */
export function settingRows(
  schema: JsonSchema,
  prefix = "",
  parentRequired = true,
  parentDefault?: Record<string, unknown>,
): SettingRow[] {
  const rows: SettingRow[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    const fallback = child.default ?? parentDefault?.[name];
    const required = parentRequired && (schema.required ?? []).includes(name) && fallback === undefined;
    const nested = child.properties !== undefined;
    rows.push({
      key,
      type: nested ? "object" : typeOf(child),
      required,
      default: nested ? undefined : fallback,
      description: child.description ?? "",
    });
    if (nested) rows.push(...settingRows(child, `${key}.`, required, fallback as Record<string, unknown>));
  }
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function showDefault(row: SettingRow): string {
  if (row.required) return "required";
  if (row.default === undefined) return "—";
  return code(JSON.stringify(row.default));
}

export function markdownTable(rows: SettingRow[], keyOf: (key: string) => string = (k) => k): string {
  const lines = rows.map(
    (row) =>
      `| ${code(keyOf(row.key))} | ${cell(row.type)} | ${cell(showDefault(row))} | ${cell(row.description)} |`,
  );
  return ["| setting | type | default | meaning |", "| --- | --- | --- | --- |", ...lines].join("\n");
}
