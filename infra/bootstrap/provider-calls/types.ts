/**
 * What `pulumi up` itself asks of AWS: for each resource type, the calls the AWS provider makes to
 * create, read, update, tag and delete it (pulumi-aws 7.48.0 bridges terraform-provider-aws
 * v6.66.0; each row names the provider's file and function), each as the IAM action it is
 * authorized as and the resources it is authorized on. The bootstrap's deployment role is checked
 * against this table with the IAM evaluator (tests/contracts/provider-calls.test.ts).
 *
 * A Create handler ends by calling its Read handler, and `pulumi refresh` and `up` read again, so
 * every read call is needed to create; a role that deploys must also update, retag and destroy.
 */

/** A resource of a stack as the offline run captured it. */
export interface DeployedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Where the stack lives, for ARNs the provider's calls are authorized on. */
export interface StackPlace {
  partition: string;
  region: string;
  account: string;
}

export type Phase = "create" | "read" | "update" | "delete" | "tags";

export interface ProviderCall {
  /** The IAM action the call is authorized as (for a service acting for the caller, its action). */
  action: string;
  /** Another action that serves instead (the provider falls back to it on AccessDenied). */
  orAction?: string;
  /** The resources it is authorized on; `*` for actions IAM authorizes on no resource. */
  on: (resource: DeployedResource, place: StackPlace, stack: DeployedResource[]) => string[];
  phases: Phase[];
  /** Only when this holds of the resource (a VPC config, a key, tags); always otherwise. */
  when?: (resource: DeployedResource, stack: DeployedResource[]) => boolean;
  /** Condition keys the request carries (`iam:PassedToService`, `kms:ViaService`). */
  context?: (resource: DeployedResource, place: StackPlace) => Record<string, string>;
  /** The provider's code: `internal/service/<service>/<file>.go` and the function that calls. */
  source: string;
}

const str = (value: unknown) => (typeof value === "string" ? value : "");

/** The resource's own ARN, as AWS returns it. */
export const self = (resource: DeployedResource) => [str(resource.state.arn)];
/** Actions IAM authorizes on no resource (Describe* of EC2, ListAliases, CreateKey). */
export const unscoped = () => ["*"];
export const has = (key: string) => (resource: DeployedResource) =>
  resource.inputs[key] !== undefined && resource.inputs[key] !== null && resource.inputs[key] !== "";
export const tagged = (resource: DeployedResource) =>
  Object.keys((resource.inputs.tags ?? {}) as object).length > 0;
export const text = str;

/** An ARN in the stack's account and region. */
export const arnIn = (place: StackPlace, service: string, resource: string, region = place.region) =>
  `arn:${place.partition}:${service}:${region}:${place.account}:${resource}`;

/** `iam:PassRole` of the role in an input, to the service that will assume it. */
export function passRole(
  input: string,
  service: string,
  source: string,
  phases: Phase[] = ["create", "update"],
): ProviderCall {
  return {
    action: "iam:PassRole",
    on: (resource) => [str(resource.inputs[input])],
    when: has(input),
    context: () => ({ "iam:PassedToService": service }),
    phases,
    source,
  };
}
