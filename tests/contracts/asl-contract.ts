import { apiModel, shapeAt, type ApiModel } from "../../local/aws/api-model";
import { validateShape } from "../../local/aws/validate";
import {
  errorName,
  LAMBDA_TRANSIENT_ERRORS,
  parseResource,
  STATES_ERRORS,
  type Integration,
} from "../../local/aws/step-functions";

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
  const problems: string[] = [];
  const reachable = definition.StartAt ? reachableStates(definition, options.executionInput) : undefined;
  for (const [name, state] of taskStates(definition)) {
    if (reachable && !reachable.has(name)) continue;
    const integration = parseResource(String(state.Resource));
    if ("problem" in integration) {
      problems.push(`${name}: ${integration.problem}`);
      continue;
    }
    const model = apiModel(integration.service);
    const operation = model.operations[integration.operation];
    if (!operation) {
      problems.push(`${name}: ${integration.service} has no API operation ${integration.operation}`);
      continue;
    }
    const check = new ParameterCheck(name, model, integration, options, problems);
    if (operation.input) check.structure(state.Parameters ?? {}, operation.input.shape, "Parameters");
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
      const memberShape = shape.members?.[memberName]?.shape;
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
    if (path.startsWith("States.Format(")) return this.formatted(path, shapeName, where);
    if (!path.startsWith(prefix)) return;
    const resolved = resolve(this.options.executionInput, path.slice(prefix.length));
    if (resolved === undefined)
      return this.report(where, `reads ${path}, which the execution input does not have`);
    this.value(resolved, shapeName, `${where} (${path})`);
  }

  /** A `States.Format` result is a string: its template's arguments are checked where they are read. */
  private formatted(_path: string, shapeName: string, where: string): void {
    const type = this.model.shapes[shapeName]?.type;
    if (type !== "string") this.report(where, `is a formatted string, but ${shapeName} is ${type}`);
  }

  /**
   * A literal, or a value read from the execution input: structures, lists and maps may hold paths
   * (`.$` keys) and are walked here; plain data is checked whole against the API model, as the
   * service would check it (types, enums, lengths, ranges, patterns).
   */
  value(value: Json, shapeName: string, where: string): void {
    const shape = this.model.shapes[shapeName];
    if (!shape) return;
    if (!holdsPaths(value)) {
      for (const v of validateShape(this.integration.service, shapeName, value))
        this.report(where + (v.path ? ` at '${v.path}'` : ""), `is ${show(v.value)}: ${v.constraint}`);
      return;
    }
    if (shape.type === "structure") return this.structure(value, shapeName, where);
    if (shape.type === "list" && Array.isArray(value))
      return value.forEach((item, i) => this.value(item, shape.member!.shape, `${where}[${i}]`));
    if (shape.type === "map" && isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key.endsWith(".$")) this.dynamic(item, shape.value!.shape, `${where}.${key}`);
        else this.value(item, shape.value!.shape, `${where}.${key}`);
      }
      return;
    }
    this.report(where, `must be a ${shape.type} (${shapeName}), got ${show(value)}`);
  }
}

/** Whether a Parameters value has path fields (`"X.$": "$.y"`) anywhere inside. */
function holdsPaths(value: Json): boolean {
  if (Array.isArray(value)) return value.some(holdsPaths);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, item]) => key.endsWith(".$") || holdsPaths(item));
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
    ? shapeAt(model, operation.output!.shape, [integration.result.member])
    : operation.output?.shape;
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
    for (const error of model.operations[op]?.errors ?? [])
      names.add(errorName(integration.errorPrefix, error.shape));
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
