import { loadApiModels, shapeAt, type ApiModel, type Shape } from "./api-models";
import {
  errorName,
  LAMBDA_TRANSIENT_ERRORS,
  parseResource,
  STATES_ERRORS,
  type Integration,
} from "./step-functions";

/**
 * Checks every Task state of a state machine against the AWS API model of the operation it calls:
 * the integration exists (and supports its pattern), every parameter is a member of its shape with
 * a value of the right type (literal, or resolved from a sample execution input), required members
 * are present, enums hold, `ResultSelector` paths exist in the result, and `Retry`/`Catch` name
 * errors the integration can raise.
 */

type Json = unknown;
type State = Record<string, Json>;
export interface Definition {
  StartAt?: string;
  States: Record<string, State>;
}

export interface ContractOptions {
  /** A sample execution input: `$$.Execution.Input.*` paths resolve in it and their values are type-checked. */
  executionInput: Record<string, Json>;
  /** Error names a Lambda function raises itself, by function ARN (a function's errorType reaches Catch as is). */
  functionErrors?: Record<string, string[]>;
  /**
   * What a Lambda function accepts, by function ARN: given the payload a Task sends (its paths
   * resolved), the function's own request parser's complaint, or undefined when it accepts it.
   */
  functionPayloads?: Record<string, (payload: Json) => string | undefined>;
  /** Sample values for state paths (`$.failure`) that a payload reads from earlier states' results. */
  stateSamples?: Record<string, Json>;
}

/** Every Task in the definition, including those inside Parallel branches and Map iterators. */
export function taskStates(definition: Definition): [string, State][] {
  const found: [string, State][] = [];
  const walk = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Task") found.push([name, state]);
      for (const branch of (state.Branches as Definition[] | undefined) ?? []) walk(branch.States);
      const nested = (state.ItemProcessor ?? state.Iterator) as Definition | undefined;
      if (nested) walk(nested.States);
    }
  };
  walk(definition.States);
  return found;
}

/** The API operations a definition's Tasks call, grouped by service, for `loadApiModels`. */
export function operationsUsed(definition: Definition): Record<string, string[]> {
  const wanted: Record<string, Set<string>> = {};
  for (const [, state] of taskStates(definition)) {
    const integration = parseResource(String(state.Resource));
    if ("problem" in integration) continue;
    (wanted[integration.service] ??= new Set()).add(integration.operation).add(integration.result.operation);
  }
  return Object.fromEntries(Object.entries(wanted).map(([service, ops]) => [service, [...ops]]));
}

/**
 * The states a run with this execution input can reach. A Choice rule `{Variable: "$.x", IsPresent}`
 * is decided by the input (the workflow's optional branches: tuning, a serverless endpoint); every
 * other transition is followed. A branch's Tasks are checked against an input that takes it.
 */
export function reachableStates(definition: Definition, executionInput: Record<string, Json>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name) || !definition.States[name]) return;
    seen.add(name);
    const state = definition.States[name];
    const rules = (state.Choices ?? []) as State[];
    const decided = rules.find(
      (rule) => typeof rule.IsPresent === "boolean" && String(rule.Variable).startsWith("$."),
    );
    if (decided && rules.length === 1) {
      const present = resolve(executionInput, String(decided.Variable).slice(2)) !== undefined;
      return visit(String(present === decided.IsPresent ? decided.Next : state.Default));
    }
    [
      state.Next,
      state.Default,
      ...rules.map((r) => r.Next),
      ...((state.Catch ?? []) as State[]).map((c) => c.Next),
    ]
      .filter((next): next is string => typeof next === "string")
      .forEach(visit);
  };
  visit(definition.StartAt ?? Object.keys(definition.States)[0]);
  return seen;
}

export function checkDefinition(definition: Definition, options: ContractOptions): string[] {
  const models = loadApiModels(operationsUsed(definition));
  const problems: string[] = [];
  const reachable = definition.StartAt ? reachableStates(definition, options.executionInput) : undefined;
  for (const [name, state] of taskStates(definition)) {
    if (reachable && !reachable.has(name)) continue;
    const integration = parseResource(String(state.Resource));
    if ("problem" in integration) {
      problems.push(`${name}: ${integration.problem}`);
      continue;
    }
    const model = models[integration.service];
    const operation = model?.operations[integration.operation];
    if (!model || !operation) {
      problems.push(`${name}: ${integration.service} has no API operation ${integration.operation}`);
      continue;
    }
    const check = new ParameterCheck(name, model, integration, options, problems);
    if (operation.input) check.structure(state.Parameters ?? {}, operation.input, "Parameters");
    checkResultSelector(name, state, model, integration, problems);
    checkPayload(name, state, options, problems);
    checkErrorNames(name, state, model, integration, options, problems);
  }
  return problems;
}

class ParameterCheck {
  constructor(
    private readonly state: string,
    private readonly model: ApiModel,
    private readonly integration: Integration,
    private readonly options: ContractOptions,
    private readonly problems: string[],
  ) {}

  private report(where: string, message: string) {
    this.problems.push(`${this.state}: ${where} ${message}`);
  }

  structure(value: Json, shapeName: string, where: string): void {
    const shape = this.model.shapes[shapeName];
    if (!isObject(value)) return this.report(where, `must be an object (${shapeName}), got ${show(value)}`);
    const given = new Set<string>();
    for (const [key, member] of Object.entries(value)) {
      const dynamic = key.endsWith(".$");
      const memberName = dynamic ? key.slice(0, -2) : key;
      given.add(memberName);
      const memberShape = shape.members?.[memberName];
      if (!memberShape) {
        this.report(
          `${where}.${memberName}`,
          `is not a member of ${shapeName} (members: ${Object.keys(shape.members ?? {}).join(", ")})`,
        );
        continue;
      }
      if (this.isFreeJson(shapeName, memberName)) continue;
      if (dynamic) this.dynamic(member, memberShape, `${where}.${memberName}`);
      else this.value(member, memberShape, `${where}.${memberName}`);
    }
    for (const required of shape.required ?? []) {
      if (!given.has(required)) this.report(where, `lacks ${required}, which ${shapeName} requires`);
    }
  }

  /** `lambda:invoke` takes the function's payload as JSON, not the API's blob. */
  private isFreeJson(shapeName: string, member: string): boolean {
    return (
      this.integration.service === "lambda" && member === "Payload" && shapeName.startsWith("Invocation")
    );
  }

  private dynamic(path: Json, shapeName: string, where: string): void {
    if (typeof path !== "string" || !/^(\$|States\.)/.test(path)) {
      return this.report(
        where,
        `is a path field (.$) whose value must be a path or intrinsic, got ${show(path)}`,
      );
    }
    const prefix = "$$.Execution.Input.";
    if (path.startsWith("States.Format(")) return this.value("formatted", shapeName, where);
    if (!path.startsWith(prefix)) return;
    const resolved = resolve(this.options.executionInput, path.slice(prefix.length));
    if (resolved === undefined)
      return this.report(where, `reads ${path}, which the execution input does not have`);
    this.value(resolved, shapeName, `${where} (${path})`);
  }

  value(value: Json, shapeName: string, where: string): void {
    const shape: Shape | undefined = this.model.shapes[shapeName];
    if (!shape) return;
    switch (shape.type) {
      case "structure":
        return this.structure(value, shapeName, where);
      case "list":
        if (!Array.isArray(value))
          return this.report(where, `must be a list (${shapeName}), got ${show(value)}`);
        if (shape.min !== undefined && value.length < shape.min)
          this.report(where, `has ${value.length} items; ${shapeName} needs at least ${shape.min}`);
        value.forEach((item, i) => this.value(item, shape.member!, `${where}[${i}]`));
        return;
      case "map":
        if (!isObject(value)) return this.report(where, `must be a map (${shapeName}), got ${show(value)}`);
        for (const [key, item] of Object.entries(value)) {
          if (key.endsWith(".$")) this.dynamic(item, shape.value!, `${where}.${key}`);
          else this.value(item, shape.value!, `${where}.${key}`);
        }
        return;
      default:
        return this.scalar(value, shape, shapeName, where);
    }
  }

  private scalar(value: Json, shape: Shape, shapeName: string, where: string): void {
    const type = shape.type as string;
    const ok =
      type === "string" || type === "blob"
        ? typeof value === "string"
        : type === "integer" || type === "long"
          ? Number.isInteger(value)
          : type === "boolean"
            ? typeof value === "boolean"
            : type === "timestamp"
              ? typeof value === "string" || typeof value === "number"
              : typeof value === "number";
    if (!ok) return this.report(where, `must be ${type} (${shapeName}), got ${show(value)}`);
    if (shape.enum && !shape.enum.includes(String(value)))
      this.report(where, `is ${show(value)}; ${shapeName} allows ${shape.enum.join(", ")}`);
    if (typeof value === "number") {
      if (shape.min !== undefined && value < shape.min)
        this.report(where, `is ${value}, below ${shapeName}'s minimum ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        this.report(where, `is ${value}, above ${shapeName}'s maximum ${shape.max}`);
    }
    if (typeof value === "string" && value !== "formatted") {
      if (shape.max !== undefined && value.length > shape.max)
        this.report(where, `is ${value.length} characters; ${shapeName} allows at most ${shape.max}`);
      if (shape.min !== undefined && value.length < shape.min)
        this.report(where, `is ${value.length} characters; ${shapeName} needs at least ${shape.min}`);
    }
  }
}

function checkResultSelector(
  name: string,
  state: State,
  model: ApiModel,
  integration: Integration,
  problems: string[],
): void {
  const selector = state.ResultSelector as Record<string, Json> | undefined;
  if (!selector) return;
  const operation = model.operations[integration.result.operation];
  const root = integration.result.member
    ? shapeAt(model, operation.output!, [integration.result.member])
    : operation.output;
  for (const [key, path] of Object.entries(selector)) {
    if (!key.endsWith(".$") || typeof path !== "string" || !path.startsWith("$.")) continue;
    const steps = path
      .slice(2)
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".");
    if (integration.service === "lambda" && steps[0] === "Payload") continue; // the function's own result
    if (!root || !shapeAt(model, root, steps)) {
      problems.push(
        `${name}: ResultSelector.${key} reads ${path}, which ${integration.result.operation}'s result (${root}) does not have`,
      );
    }
  }
}

/** Every error name a Task's Retry and Catch may match. */
export function knownErrors(
  model: ApiModel,
  integration: Integration,
  functionErrors: string[] = [],
): Set<string> {
  const names = new Set(STATES_ERRORS);
  names.add(integration.baseError);
  const operations = new Set([integration.operation, integration.result.operation]);
  for (const op of operations) {
    for (const shape of model.operations[op]?.errors ?? [])
      names.add(errorName(integration.errorPrefix, shape));
  }
  if (integration.service === "lambda") {
    LAMBDA_TRANSIENT_ERRORS.forEach((e) => names.add(e));
    functionErrors.forEach((e) => names.add(e));
  }
  return names;
}

function checkErrorNames(
  name: string,
  state: State,
  model: ApiModel,
  integration: Integration,
  options: ContractOptions,
  problems: string[],
): void {
  const fn = (state.Parameters as Record<string, Json> | undefined)?.FunctionName;
  const known = knownErrors(model, integration, options.functionErrors?.[String(fn)]);
  for (const field of ["Retry", "Catch"] as const) {
    for (const rule of (state[field] as { ErrorEquals: string[] }[] | undefined) ?? []) {
      for (const error of rule.ErrorEquals) {
        if (!known.has(error)) {
          problems.push(
            `${name}: ${field} matches ${error}, which ${integration.resource} never raises (it raises e.g. ${integration.baseError})`,
          );
        }
      }
    }
  }
}

/** A Lambda Task's payload, as the function will receive it, against the function's own parser. */
function checkPayload(name: string, state: State, options: ContractOptions, problems: string[]): void {
  const parameters = (state.Parameters ?? {}) as Record<string, Json>;
  const accepts = options.functionPayloads?.[String(parameters.FunctionName)];
  if (!accepts || !isObject(parameters.Payload)) return;
  const payload = resolvePayload(parameters.Payload, options);
  if ("unresolved" in payload) {
    problems.push(
      `${name}: Payload reads ${payload.unresolved}, which neither the input nor the samples hold`,
    );
    return;
  }
  const complaint = accepts(payload.value);
  if (complaint) problems.push(`${name}: the function refuses its Payload: ${complaint}`);
}

function resolvePayload(
  payload: Record<string, Json>,
  options: ContractOptions,
): { value: Record<string, Json> } | { unresolved: string } {
  const value: Record<string, Json> = {};
  for (const [key, item] of Object.entries(payload)) {
    if (!key.endsWith(".$")) {
      value[key] = item;
      continue;
    }
    const path = String(item);
    const prefix = "$$.Execution.Input.";
    const resolved = path.startsWith(prefix)
      ? resolve(options.executionInput, path.slice(prefix.length))
      : options.stateSamples?.[path];
    if (resolved === undefined) return { unresolved: path };
    value[key.slice(0, -2)] = resolved;
  }
  return { value };
}

function resolve(input: Record<string, Json>, path: string): Json {
  return path.split(".").reduce<Json>((at, step) => (isObject(at) ? at[step] : undefined), input);
}

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const show = (value: Json) => JSON.stringify(value)?.slice(0, 80) ?? String(value);
