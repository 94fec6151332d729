import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * AWS API models as botocore (the data behind AWS's own CLI and Python SDK) describes them. Debian's
 * `python3-botocore` provides them here (`.ci/run` installs it); the CodeBuild images get botocore
 * from pip. `MLOPS_PYTHON` picks the interpreter, as in local mode.
 */

export interface Shape {
  type: "structure" | "list" | "map" | "string" | "integer" | "long" | "boolean" | "double" | "float";
  /** Structure members: member name → shape name. */
  members?: Record<string, string>;
  required?: string[];
  /** A structure that is an error (exception) shape. */
  error?: boolean;
  /** List element shape. */
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

export interface OperationModel {
  input: string | null;
  output: string | null;
  /** Error shapes the operation is modelled to return. */
  errors: string[];
}

export interface ApiModel {
  service: string;
  metadata: { serviceId: string; apiVersion: string; [key: string]: string };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

const SCRIPT = join(__dirname, "botocore_model.py");
const candidates = () =>
  process.env.MLOPS_PYTHON ? [process.env.MLOPS_PYTHON] : ["/usr/bin/python3", "python3"];

const cache = new Map<string, ApiModel>();
let version: string | undefined;

/** The models of the given operations, per service (`{sagemaker: ["CreateModel"]}`). */
export function loadApiModels(request: Record<string, string[]>): Record<string, ApiModel> {
  const wanted = Object.entries(request).filter(([service, ops]) => {
    const known = cache.get(service);
    return !known || ops.some((op) => !(op in known.operations));
  });
  if (wanted.length > 0) {
    const merged = Object.fromEntries(
      wanted.map(([service, ops]) => [
        service,
        [...new Set([...ops, ...Object.keys(cache.get(service)?.operations ?? {})])],
      ]),
    );
    const result = runExporter(JSON.stringify(merged));
    for (const [service] of wanted) {
      const model = result[service] as Omit<ApiModel, "service">;
      cache.set(service, { service, ...model });
    }
    version = String(result.__botocore__);
  }
  return Object.fromEntries(Object.keys(request).map((service) => [service, cache.get(service)!]));
}

/** The botocore version the models came from (for messages). */
export function botocoreVersion(): string | undefined {
  return version;
}

function runExporter(request: string): Record<string, unknown> {
  const tried: string[] = [];
  for (const python of candidates()) {
    const run = spawnSync(python, [SCRIPT, request], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (run.status === 0) return JSON.parse(run.stdout) as Record<string, unknown>;
    tried.push(`${python}: ${run.error ? "not found" : run.stderr.trim().split("\n").pop()}`);
  }
  throw new Error(
    `The AWS contract tests read AWS's API models from botocore, and no python3 here can load them (${tried.join("; ")}). Install them with: apt-get install -y python3-botocore`,
  );
}

/** Follows a member chain (`["OutputDataConfig", "KmsKeyId"]`) to its shape name, if it exists. */
export function shapeAt(model: ApiModel, root: string, path: string[]): string | undefined {
  let current: string | undefined = root;
  for (const step of path) {
    const shape: Shape | undefined = current ? model.shapes[current] : undefined;
    if (!shape) return undefined;
    if (shape.type === "list" && /^\d+$/.test(step)) current = shape.member;
    else if (shape.type === "structure") current = shape.members?.[step];
    else return undefined;
  }
  return current;
}
