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
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface SettingRow {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

const code = (text: string) => `\`${text}\``;

/**
 * A setting's type in words, with every bound the schema knows: "whole number 1024–6144 in steps of
 * 1024", "number > 0", "string of at most 48 characters", "list of string (at least 1 item)".
 */
export function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.oneOf) return schema.oneOf.map(variantOf).join(" or ");
  if (schema.enum) return `one of ${schema.enum.map((v) => code(String(v))).join(", ")}`;
  if (schema.const !== undefined) return code(String(schema.const));
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  if (type === "array") return `list of ${schema.items ? typeOf(schema.items) : "any"}${itemsOf(schema)}`;
  if (type === "object" && !schema.properties && typeof schema.additionalProperties === "object")
    return `map of ${typeOf(schema.additionalProperties)}`;
  if (type === "integer" || type === "number")
    return [type === "integer" ? "whole number" : "number", rangeOf(schema)].filter(Boolean).join(" ");
  if (type === "string") return stringOf(schema);
  return type;
}

/** A union's member: an object told apart by its `kind` reads as that kind, a scalar as its type. */
function variantOf(schema: JsonSchema): string {
  const kind = schema.properties?.kind?.const;
  return kind === undefined ? typeOf(schema) : `object of kind ${code(String(kind))}`;
}

// zod writes ±MAX_SAFE_INTEGER as the bounds of every whole number; they are no limit a person sets.
const bound = (value: number | undefined) =>
  value === undefined || Math.abs(value) === Number.MAX_SAFE_INTEGER ? undefined : value;

/** "1–50", "≥ 1", "> 0 and ≤ 1", each followed by the step when the schema has one. */
export function rangeOf(schema: JsonSchema): string {
  const low = bound(schema.minimum);
  const high = bound(schema.maximum);
  const above = bound(schema.exclusiveMinimum);
  const below = bound(schema.exclusiveMaximum);
  const limits =
    low !== undefined && high !== undefined
      ? [`${low}–${high}`]
      : [
          low !== undefined ? `≥ ${low}` : "",
          above !== undefined ? `> ${above}` : "",
          high !== undefined ? `≤ ${high}` : "",
          below !== undefined ? `< ${below}` : "",
        ];
  return [limits.filter(Boolean).join(" and "), stepOf(schema.multipleOf, low)].filter(Boolean).join(" ");
}

/**
 * "in steps of N" when the values run low, low + N, …; without an inclusive lower bound on that grid
 * the phrase would mislead, so the multiple is named instead.
 */
function stepOf(step: number | undefined, low: number | undefined): string {
  if (step === undefined) return "";
  const onGrid = low !== undefined && Math.abs(low / step - Math.round(low / step)) < 1e-9;
  return onGrid ? `in steps of ${step}` : `(a multiple of ${step})`;
}

function stringOf(schema: JsonSchema): string {
  if (schema.format === "email") return "email";
  const { minLength: min = 0, maxLength: max } = schema;
  const format = schema.format ? ` (${schema.format})` : "";
  if (max === undefined) {
    if (min === 0) return `string${format}`;
    return min === 1 ? `non-empty string${format}` : `string of at least ${min} characters${format}`;
  }
  const length = min === max ? `${max}` : min === 0 ? `at most ${max}` : `${min}–${max}`;
  return `string of ${length} character${max === 1 ? "" : "s"}${format}`;
}

function itemsOf(schema: JsonSchema): string {
  const { minItems: min = 0, maxItems: max } = schema;
  const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;
  if (max === undefined) return min === 0 ? "" : ` (at least ${items(min)})`;
  if (min === max) return ` (exactly ${items(max)})`;
  return min === 0 ? ` (at most ${items(max)})` : ` (${min}–${items(max)})`;
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
    for (const variant of child.oneOf ?? []) rows.push(...variantRows(variant, key));
  }
  return rows;
}

/** The fields of one kind of a union, as `key.field (kind …)`; `kind` itself is the union's row. */
function variantRows(variant: JsonSchema, key: string): SettingRow[] {
  const kind = variant.properties?.kind?.const;
  if (kind === undefined) return [];
  const fields = { ...variant, properties: { ...variant.properties } };
  delete fields.properties.kind;
  return settingRows(fields, `${key}.`, false).map((row) => ({
    ...row,
    description: `(kind ${code(String(kind))}) ${row.description}`,
  }));
}

/**
 * Table cell text. An asterisk outside a code span is escaped: prettier would otherwise read a pair
 * as emphasis and rewrite it (`stem then *, e.g. churn*.csv` became `_, e.g. churn_`).
 */
const cell = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/\*/g, "\\*")))
    .join("")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ");

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
