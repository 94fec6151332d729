import { readFileSync } from "node:fs";
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
