import {
  passRole,
  tagged,
  text,
  type DeployedResource,
  type Phase,
  type ProviderCall,
  type StackPlace,
} from "./types";

/**
 * API Gateway authorizes each call as apigateway:<HTTP method> on the path it calls
 * (arn:aws:apigateway:<region>::<path>); tags are PUT and DELETE on /tags/<the resource's ARN>.
 * Calls by internal/service/apigateway/<file>.go, one path per resource.
 */

type Path = (resource: DeployedResource) => string;

const pathArn = (place: StackPlace, path: string) =>
  `arn:${place.partition}:apigateway:${place.region}::${path}`;

/** The verbs on a resource's collection (create) and on the resource (read, update, delete). */
function crud(
  file: string,
  fnName: string,
  collection: Path,
  item: Path,
  verbs: Partial<Record<Phase, string[]>>,
): ProviderCall[] {
  return Object.entries(verbs).flatMap(([phase, methods]) =>
    methods!.map((method): ProviderCall => ({
      action: `apigateway:${method}`,
      on: (resource, place) => [
        pathArn(place, phase === "create" && method === "POST" ? collection(resource) : item(resource)),
      ],
      phases: [phase as Phase],
      source: `internal/service/apigateway/${file}.go#resource${fnName}${phase === "create" ? "Create" : phase === "read" ? "Read" : phase === "update" ? "Update" : "Delete"}`,
    })),
  );
}

/** Tag updates of a taggable resource (tagsResourceInterceptor → updateTags). */
function tags(item: Path): ProviderCall[] {
  return ["PUT", "DELETE"].map((method) => ({
    action: `apigateway:${method}`,
    on: (resource: DeployedResource, place: StackPlace) => [
      pathArn(place, `/tags/${encodeURIComponent(pathArn(place, item(resource)))}`),
    ],
    phases: ["tags"],
    when: tagged,
    source: "internal/service/apigateway/tags_gen.go#updateTags",
  }));
}

const id = (resource: DeployedResource) => text(resource.state.id);
const api = (resource: DeployedResource) => `/restapis/${text(resource.inputs.restApi)}`;
const method = (resource: DeployedResource) =>
  `${api(resource)}/resources/${text(resource.inputs.resourceId)}/methods/${text(resource.inputs.httpMethod)}`;
const stage = (resource: DeployedResource) =>
  `${api(resource)}/stages/${text(resource.inputs.stageName ?? resource.state.stageName)}`;
const plan = (resource: DeployedResource) => `/usageplans/${text(resource.inputs.usagePlanId)}`;

const READ_WRITE = { create: ["POST", "GET"], read: ["GET"], update: ["PATCH"], delete: ["DELETE"] };

export const API_GATEWAY: Record<string, ProviderCall[]> = {
  "aws:apigateway/restApi:RestApi": [
    ...crud(
      "rest_api",
      "RestAPI",
      () => "/restapis",
      (r) => `/restapis/${id(r)}`,
      READ_WRITE,
    ),
    {
      action: "apigateway:GET",
      on: (r, place) => [pathArn(place, `/restapis/${id(r)}/resources`)],
      phases: ["create", "read"],
      source: "internal/service/apigateway/rest_api.go#resourceRestAPIRead (findResource)",
    },
    ...tags((r) => `/restapis/${id(r)}`),
  ],
  "aws:apigateway/resource:Resource": crud(
    "resource",
    "Resource",
    (r) => `${api(r)}/resources/${text(r.inputs.parentId)}`,
    (r) => `${api(r)}/resources/${id(r)}`,
    READ_WRITE,
  ),
  "aws:apigateway/method:Method": [
    // PutMethod is a PUT on the method's path; Create does not read back; Update also rewrites the integration.
    ...crud("method", "Method", method, method, {
      create: ["PUT"],
      read: ["GET"],
      update: ["PATCH"],
      delete: ["DELETE"],
    }),
    ...["GET", "PATCH"].map((verb): ProviderCall => ({
      action: `apigateway:${verb}`,
      on: (r, place) => [pathArn(place, `${method(r)}/integration`)],
      phases: ["update"],
      source: "internal/service/apigateway/method.go#resourceMethodUpdate",
    })),
  ],
  "aws:apigateway/integration:Integration": crud(
    "integration",
    "Integration",
    (r) => `${method(r)}/integration`,
    (r) => `${method(r)}/integration`,
    { create: ["PUT", "GET"], read: ["GET"], update: ["PATCH", "GET"], delete: ["DELETE"] },
  ),
  "aws:apigateway/deployment:Deployment": crud(
    "deployment",
    "Deployment",
    (r) => `${api(r)}/deployments`,
    (r) => `${api(r)}/deployments/${id(r)}`,
    READ_WRITE,
  ),
  "aws:apigateway/stage:Stage": [
    ...crud("stage", "Stage", (r) => `${api(r)}/stages`, stage, {
      create: ["POST", "PATCH", "GET"],
      read: ["GET"],
      update: ["PATCH"],
      delete: ["DELETE"],
    }),
    ...tags(stage),
  ],
  "aws:apigateway/methodSettings:MethodSettings": crud("method_settings", "MethodSettings", stage, stage, {
    create: ["PATCH", "GET"],
    read: ["GET"],
    update: ["PATCH"],
    delete: ["PATCH"],
  }),
  "aws:apigateway/apiKey:ApiKey": [
    ...crud(
      "api_key",
      "APIKey",
      () => "/apikeys",
      (r) => `/apikeys/${id(r)}`,
      READ_WRITE,
    ),
    ...tags((r) => `/apikeys/${id(r)}`),
  ],
  "aws:apigateway/usagePlan:UsagePlan": [
    ...crud(
      "usage_plan",
      "UsagePlan",
      () => "/usageplans",
      (r) => `/usageplans/${id(r)}`,
      { ...READ_WRITE, delete: ["PATCH", "DELETE"] },
    ),
    ...tags((r) => `/usageplans/${id(r)}`),
  ],
  "aws:apigateway/usagePlanKey:UsagePlanKey": crud(
    "usage_plan_key",
    "UsagePlanKey",
    (r) => `${plan(r)}/keys`,
    (r) => `${plan(r)}/keys/${text(r.inputs.keyId)}`,
    { create: ["POST", "GET"], read: ["GET"], delete: ["DELETE"] },
  ),
  // The account's CloudWatch Logs role (per account and region): set with UpdateAccount, which hands
  // API Gateway the role; the provider's delete clears it (account.go, accountResource.Delete).
  "aws:apigateway/account:Account": [
    ...crud(
      "account",
      "Account",
      () => "/account",
      () => "/account",
      { create: ["PATCH"], read: ["GET"], update: ["PATCH"], delete: ["PATCH"] },
    ),
    passRole(
      "cloudwatchRoleArn",
      "apigateway.amazonaws.com",
      "internal/service/apigateway/account.go#accountResource.Create (UpdateAccount)",
    ),
  ],
};
