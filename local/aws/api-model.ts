import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * AWS's API models (botocore's `service-2.json`, the data behind AWS's own CLI and Python SDK),
 * vendored in `api-models/` at the version `api-models/source.json` names. The local services
 * validate every request against them and the contract tests read the same files.
 */

export type ShapeType =
  | "structure"
  | "list"
  | "map"
  | "string"
  | "integer"
  | "long"
  | "boolean"
  | "double"
  | "float"
  | "timestamp"
  | "blob";

export interface ShapeRef {
  shape: string;
  /** Where a REST protocol carries the member: `uri`, `querystring`, `header`, `headers`, or the body. */
  location?: "uri" | "querystring" | "header" | "headers" | "statusCode";
  locationName?: string;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  /** An error shape, with its HTTP status. */
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number };
  /** Present on a structure the body is made of (REST protocols). */
  payload?: string;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ApiModel {
  metadata: {
    apiVersion: string;
    protocol: string;
    serviceId: string;
    endpointPrefix: string;
    signingName?: string;
    targetPrefix?: string;
    [key: string]: unknown;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export const API_MODELS_DIR = join(__dirname, "api-models");

/** Each service's model, read once per process (the SageMaker model alone is ~0.9 MB). */
const loaded = new Map<string, ApiModel>();

/** The model of a service by botocore's name (`sagemaker`, `s3`, `stepfunctions`). */
export function apiModel(service: string): ApiModel {
  let model = loaded.get(service);
  if (!model) {
    let text: string;
    try {
      text = readFileSync(join(API_MODELS_DIR, `${service}.json`), "utf8");
    } catch {
      throw new Error(
        `no API model for ${service} in local/aws/api-models/; add it to vendor.mjs's SERVICES and vendor again`,
      );
    }
    model = JSON.parse(text) as ApiModel;
    loaded.set(service, model);
  }
  return model;
}

const SLICES = join(__dirname, "..", "..", "node_modules", ".cache", "mlops", "api-slices");

/** The shapes an operation's input reaches, by name. */
function reachable(model: ApiModel, root: string, into: Record<string, Shape> = {}): Record<string, Shape> {
  if (into[root] || !model.shapes[root]) return into;
  const shape = (into[root] = model.shapes[root]);
  const refs = [...Object.values(shape.members ?? {}), shape.member, shape.key, shape.value];
  for (const ref of refs) if (ref) reachable(model, ref.shape, into);
  return into;
}

const slices = new Map<string, ApiModel>();

/**
 * Part of a service's model, derived once and kept on disk by the vendored file's size and
 * modification time: a run reads a few kilobytes instead of parsing the whole models (megabytes)
 * of the services it calls.
 */
function slice(service: string, name: string, derive: (model: ApiModel) => ApiModel): ApiModel {
  const key = `${service}.${name}`;
  let found = slices.get(key);
  if (found) return found;
  const source = statSync(join(API_MODELS_DIR, `${service}.json`));
  const file = join(SLICES, `${key}.${source.size}.${Math.floor(source.mtimeMs)}.json`);
  try {
    found = JSON.parse(readFileSync(file, "utf8")) as ApiModel;
  } catch {
    found = derive(apiModel(service));
    mkdirSync(SLICES, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(found));
    renameSync(`${file}.${process.pid}`, file);
  }
  slices.set(key, found);
  return found;
}

/** A service's model with one operation and the shapes its input reaches (to validate a request). */
export function operationModel(service: string, name: string): ApiModel {
  return slice(service, name, (model) => {
    const op = model.operations[name];
    if (!op) throw new Error(`${service} has no API operation ${name}`);
    return {
      metadata: model.metadata,
      operations: { [name]: op },
      shapes: op.input ? reachable(model, op.input.shape) : {},
    };
  });
}

/** Every operation's HTTP binding: its request line, input structure and members' shapes (REST). */
export function bindingModel(service: string): ApiModel {
  return slice(service, "@bindings", (model) => {
    const shapes: Record<string, Shape> = {};
    for (const op of Object.values(model.operations)) {
      const input = op.input && model.shapes[op.input.shape];
      if (!input) continue;
      shapes[op.input!.shape] = input;
      for (const member of Object.values(input.members ?? {}))
        shapes[member.shape] = model.shapes[member.shape];
    }
    return { metadata: model.metadata, operations: model.operations, shapes };
  });
}

/** The botocore release the vendored models come from. */
export function modelsVersion(): string {
  return (JSON.parse(readFileSync(join(API_MODELS_DIR, "source.json"), "utf8")) as { botocore: string })
    .botocore;
}

export function operation(service: string, name: string): Operation {
  const found = apiModel(service).operations[name];
  if (!found) throw new Error(`${service} has no API operation ${name}`);
  return found;
}

/** Follows a member chain (`["OutputDataConfig", "KmsKeyId"]`) to its shape name, if it exists. */
export function shapeAt(model: ApiModel, root: string, path: string[]): string | undefined {
  let current: string | undefined = root;
  for (const step of path) {
    const shape: Shape | undefined = current ? model.shapes[current] : undefined;
    if (!shape) return undefined;
    if (shape.type === "list" && /^\d+$/.test(step)) current = shape.member?.shape;
    else if (shape.type === "structure") current = shape.members?.[step]?.shape;
    else return undefined;
  }
  return current;
}

/** The error shapes an operation is modelled to return. */
export function operationErrors(service: string, name: string): string[] {
  return (operation(service, name).errors ?? []).map((e) => e.shape);
}
