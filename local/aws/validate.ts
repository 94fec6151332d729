import { apiModel, operationModel, type ApiModel, type Shape } from "./api-model";
import { wholeValuePattern } from "./java-regex";

/**
 * A request checked against its operation's input shape, as AWS's services check it before doing
 * anything: required members, types, enums, lengths and ranges, and whole-value patterns. A failed
 * check is AWS's `ValidationException` with the message the services write (one clause per
 * violation: "Value 'x' at 'customerMetadataProperties' failed to satisfy constraint: Member must
 * satisfy regular expression pattern: …"); member paths are lower camel case, list items
 * `<list>.<n>.member` counting from 1, as in SageMaker's own messages.
 */

export interface Violation {
  /** The member's path as AWS writes it (`productionVariants.1.member.variantName`). */
  path: string;
  /** The offending value (undefined for a missing required member). */
  value: unknown;
  constraint: string;
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** A value as Java's `toString` would print it in the message. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(showValue).join(", ")}]`;
  if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${showValue(v)}`)
      .join(", ")}}`;
  return String(value);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** What type a scalar value must be, or undefined when it is one. */
function typeProblem(shape: Shape, value: unknown): string | undefined {
  switch (shape.type) {
    case "string":
      return typeof value === "string" ? undefined : "Member must be a string";
    case "integer":
    case "long":
      return Number.isInteger(value) ? undefined : "Member must be an integer";
    case "double":
    case "float":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "Member must be a number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "Member must be a boolean";
    case "timestamp":
      return value instanceof Date || typeof value === "number" || typeof value === "string"
        ? undefined
        : "Member must be a timestamp";
    case "blob":
      return typeof value === "string" || value instanceof Uint8Array ? undefined : "Member must be a blob";
    default:
      return undefined;
  }
}

/** The constraints a scalar or a collection's size breaks (lengths count UTF-16 units, as Java's). */
function constraintProblems(shape: Shape, value: unknown): string[] {
  const problems: string[] = [];
  const size =
    typeof value === "string"
      ? value.length
      : Array.isArray(value)
        ? value.length
        : isPlainObject(value) && shape.type === "map"
          ? Object.keys(value).length
          : undefined;
  const numeric = typeof value === "number" && shape.type !== "string";
  const noun = numeric ? "value" : "length";
  const measured = numeric ? (value as number) : size;
  if (measured !== undefined) {
    if (shape.min !== undefined && measured < shape.min)
      problems.push(`Member must have ${noun} greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && measured > shape.max)
      problems.push(`Member must have ${noun} less than or equal to ${shape.max}`);
  }
  if (typeof value === "string" && shape.enum && !shape.enum.includes(value))
    problems.push(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
  if (
    typeof value === "string" &&
    shape.pattern !== undefined &&
    !wholeValuePattern(shape.pattern).test(value)
  )
    problems.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  return problems;
}

/** A member's path, spelled out only when a violation names it (most requests have none). */
type Path = () => string;
const at =
  (parent: Path, step: string): Path =>
  () => {
    const head = parent();
    return head ? `${head}.${step}` : step;
  };

class Validator {
  readonly violations: Violation[] = [];

  constructor(private readonly model: ApiModel) {}

  private add(path: Path, value: unknown, constraint: string): void {
    this.violations.push({ path: path(), value, constraint });
  }

  check(shapeName: string, value: unknown, path: Path): void {
    const shape = this.model.shapes[shapeName];
    if (!shape || value === undefined || value === null) return;
    if (shape.type === "structure") return this.structure(shape, shapeName, value, path);
    const wrongType =
      shape.type === "list"
        ? Array.isArray(value)
          ? undefined
          : "Member must be a list"
        : shape.type === "map"
          ? isPlainObject(value)
            ? undefined
            : "Member must be a map"
          : typeProblem(shape, value);
    if (wrongType) return this.add(path, value, wrongType);
    for (const problem of constraintProblems(shape, value)) this.add(path, value, problem);
    if (shape.type === "list")
      (value as unknown[]).forEach((item, i) =>
        this.check(shape.member!.shape, item, at(path, `${i + 1}.member`)),
      );
    if (shape.type === "map") this.map(shape, value as Record<string, unknown>, path);
  }

  /** AWS reports a map's bad keys and values once per map, each with the constraints they break. */
  private map(shape: Shape, value: Record<string, unknown>, path: Path): void {
    const keyShape = this.model.shapes[shape.key!.shape];
    const valueShape = this.model.shapes[shape.value!.shape];
    const keyProblems = new Set<string>();
    const valueProblems = new Set<string>();
    for (const [key, item] of Object.entries(value)) {
      constraintProblems(keyShape, key).forEach((p) => keyProblems.add(p));
      if (valueShape.type === "structure" || valueShape.type === "list" || valueShape.type === "map") {
        this.check(shape.value!.shape, item, at(path, key));
        continue;
      }
      const wrong = item === null || item === undefined ? undefined : typeProblem(valueShape, item);
      if (wrong) valueProblems.add(wrong);
      else constraintProblems(valueShape, item).forEach((p) => valueProblems.add(p));
    }
    if (keyProblems.size > 0)
      this.add(path, value, `Map keys must satisfy constraint: [${[...keyProblems].join(", ")}]`);
    if (valueProblems.size > 0)
      this.add(path, value, `Map value must satisfy constraint: [${[...valueProblems].join(", ")}]`);
  }

  private structure(shape: Shape, shapeName: string, value: unknown, path: Path): void {
    if (!isPlainObject(value)) return this.add(path, value, `Member must be a structure (${shapeName})`);
    for (const required of shape.required ?? []) {
      const given = value[required];
      if (given === undefined || given === null)
        this.add(at(path, lowerFirst(required)), null, "Member must not be null");
    }
    for (const [name, item] of Object.entries(value)) {
      const member = shape.members?.[name];
      if (!member) {
        this.add(
          at(path, lowerFirst(name)),
          item,
          `Member is not in the API's ${shapeName} (its members: ${Object.keys(shape.members ?? {}).join(", ")})`,
        );
        continue;
      }
      this.check(member.shape, item, at(path, lowerFirst(name)));
    }
  }
}

/** Every constraint a request breaks, checked against the operation's input shape. */
export function validateInput(service: string, operationName: string, input: unknown): Violation[] {
  const model = operationModel(service, operationName);
  const shape = model.operations[operationName].input?.shape;
  if (!shape) return [];
  const validator = new Validator(model);
  validator.check(shape, input ?? {}, () => "");
  return validator.violations;
}

/** A value against one shape of a service's model (the contract tests check run inputs this way). */
export function validateShape(service: string, shapeName: string, value: unknown, path = ""): Violation[] {
  const validator = new Validator(apiModel(service));
  validator.check(shapeName, value, () => path);
  return validator.violations;
}

/** AWS's message for a request that failed validation. */
export function validationMessage(violations: Violation[]): string {
  const count = violations.length;
  const clauses = violations.map(
    (v) =>
      `Value ${v.value === null || v.value === undefined ? "null" : `'${showValue(v.value)}'`} at '${v.path}' failed to satisfy constraint: ${v.constraint}`,
  );
  return `${count} validation error${count === 1 ? "" : "s"} detected: ${clauses.join("; ")}`;
}
