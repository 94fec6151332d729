import { bindingModel, type ApiModel, type Operation, type Shape } from "./api-model";

/**
 * The REST protocols' HTTP binding (S3's rest-xml, SageMaker Runtime's rest-json), read from the
 * API model: which operation a request is (method, path template, query literals such as
 * `?list-type=2`) and its input, taken from the URI, query string, headers and body as each member's
 * `location` says. The local services validate that input as AWS does before serving it.
 */

interface Template {
  operation: Operation;
  /** Path segments: literal text, `{Name}` (one segment) or `{Name+}` (the rest). */
  segments: string[];
  /** Query parameters the operation's URI names literally (`?list-type=2`, `?uploads`). */
  query: [string, string | undefined][];
}

const templates = new Map<string, Template[]>();

function templatesOf(service: string, model: ApiModel): Template[] {
  let found = templates.get(service);
  if (!found) {
    found = Object.values(model.operations).map((operation) => {
      const [path, query = ""] = operation.http.requestUri.split("?");
      return {
        operation,
        segments: path.split("/").filter(Boolean),
        query: query
          .split("&")
          .filter(Boolean)
          .map((pair): [string, string | undefined] => {
            const [key, value] = pair.split("=");
            return [key, value];
          }),
      };
    });
    templates.set(service, found);
  }
  return found;
}

/** The URI members a path fills, or undefined when the path does not fit the template. */
function matchPath(segments: string[], path: string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const variable = /^\{([^}]+?)(\+)?\}$/.exec(segment);
    if (!variable) {
      if (path[i] !== segment) return undefined;
      continue;
    }
    if (variable[2]) {
      const rest = path.slice(i);
      if (rest.length === 0) return undefined;
      values[variable[1]] = rest.join("/");
      return values;
    }
    if (path[i] === undefined) return undefined;
    values[variable[1]] = path[i];
  }
  return path.length === segments.length ? values : undefined;
}

export interface RestRequest {
  method: string;
  /** The path and query, as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
}

export interface BoundRequest {
  operation: string;
  input: Record<string, unknown>;
}

/** The operation a request calls and its input, or undefined when no operation of the API fits. */
export function bindRequest(service: string, request: RestRequest): BoundRequest | undefined {
  const model = bindingModel(service);
  const url = new URL(request.url, "http://local");
  const path = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const candidates = templatesOf(service, model)
    .filter((t) => t.operation.http.method === request.method)
    .map((t) => ({ t, uri: matchPath(t.segments, path) }))
    .filter(
      ({ t, uri }) =>
        uri !== undefined &&
        t.query.every(
          ([key, value]) =>
            url.searchParams.has(key) && (value === undefined || url.searchParams.get(key) === value),
        ),
    )
    .filter(({ t }) => requiredPresent(model, t.operation, url, request))
    // The most specific template wins: `/{Bucket}/{Key+}?acl` over `/{Bucket}/{Key+}`.
    .sort((a, b) => b.t.query.length - a.t.query.length);
  // The AWS SDK names S3's operation in the query (`?x-id=PutObject`) where templates are alike.
  const named = url.searchParams.get("x-id");
  const chosen = candidates.find(({ t }) => t.operation.name === named) ?? candidates[0];
  if (!chosen) return undefined;
  return {
    operation: chosen.t.operation.name,
    input: inputOf(model, chosen.t.operation, chosen.uri!, url, request),
  };
}

/** Operations sharing a method and path differ by what they require (CopyObject: x-amz-copy-source). */
function requiredPresent(model: ApiModel, operation: Operation, url: URL, request: RestRequest): boolean {
  const shape = operation.input ? model.shapes[operation.input.shape] : undefined;
  return (shape?.required ?? []).every((name) => {
    const member = shape!.members![name];
    const wire = (member.locationName ?? name).toLowerCase();
    if (member.location === "header") return request.headers[wire] !== undefined;
    if (member.location === "querystring") return url.searchParams.has(member.locationName ?? name);
    return true;
  });
}

function inputOf(
  model: ApiModel,
  operation: Operation,
  uri: Record<string, string>,
  url: URL,
  request: RestRequest,
): Record<string, unknown> {
  const shape = operation.input ? model.shapes[operation.input.shape] : undefined;
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape?.members ?? {})) {
    const wire = member.locationName ?? name;
    const value =
      member.location === "uri"
        ? uri[wire]
        : member.location === "querystring"
          ? (url.searchParams.get(wire) ?? undefined)
          : member.location === "header"
            ? headerValue(request.headers[wire.toLowerCase()])
            : member.location
              ? undefined
              : name === shape?.payload || !shape?.payload
                ? bodyOf(request)
                : undefined;
    if (value !== undefined) input[name] = typed(model.shapes[member.shape], value);
  }
  return input;
}

const headerValue = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(",") : value;

const bodyOf = (request: RestRequest) =>
  request.body === undefined || request.body.length === 0 ? undefined : request.body;

/** Numbers and booleans arrive as text in URIs, query strings and headers. */
function typed(shape: Shape | undefined, value: string | Buffer): unknown {
  if (typeof value !== "string" || !shape) return value;
  if (shape.type === "integer" || shape.type === "long") return /^-?\d+$/.test(value) ? Number(value) : value;
  if (shape.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}
