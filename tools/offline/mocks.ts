import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Mocks that answer like AWS would after `pulumi up`: ids, ARNs and names in the real formats, so
 * policies built from them read as they would in the cloud. In preview mode only inputs come back,
 * and every computed output stays unknown, as in a real `pulumi preview`.
 */

export interface MockSettings {
  region: string;
  accountId: string;
  preview: boolean;
  /** Outputs of referenced stacks, by the name the program references them with. */
  stackOutputs: Record<string, Record<string, unknown>>;
  /** The stack's config (`project:key` → value), for data sources that echo what the program expects. */
  config?: Record<string, string>;
}

export const DEFAULT_ACCOUNT_ID = "123456789012";

type State = Record<string, unknown>;
type Computed = (name: string, inputs: State, s: MockSettings) => State & { id: string };

const hash = (text: string, length: number) =>
  createHash("sha256").update(text).digest("hex").slice(0, length);

/** Pulumi's auto-naming: the logical name plus a random-looking suffix (stable here). */
export const autoName = (name: string) => `${name}-${hash(name, 7)}`;

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

const regional = (s: MockSettings, service: string, resource: string) =>
  `arn:aws:${service}:${s.region}:${s.accountId}:${resource}`;

/** Types whose ids and ARNs follow a format other than the generic `<kind>/<name>`. */
const COMPUTED: Record<string, Computed> = {
  "aws:s3/bucket:Bucket": (name, inputs, s) => {
    const bucket = str(inputs.bucket) ?? autoName(name).toLowerCase();
    return {
      id: bucket,
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      region: s.region,
      bucketDomainName: `${bucket}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${bucket}.s3.${s.region}.amazonaws.com`,
    };
  },
  "aws:iam/role:Role": (name, inputs, s) => {
    const role = str(inputs.name) ?? autoName(name);
    return {
      id: role,
      name: role,
      arn: `arn:aws:iam::${s.accountId}:role${str(inputs.path) ?? "/"}${role}`,
      uniqueId: `AROA${hash(role, 17).toUpperCase()}`,
    };
  },
  "aws:iam/rolePolicy:RolePolicy": (name, inputs) => ({
    id: `${String(inputs.role)}:${autoName(name)}`,
    name: autoName(name),
  }),
  "aws:kms/key:Key": (name, _inputs, s) => {
    const h = hash(name, 32);
    const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    return { id: keyId, keyId, arn: regional(s, "kms", `key/${keyId}`) };
  },
  "aws:kms/alias:Alias": (name, inputs, s) => {
    const alias = str(inputs.name) ?? `alias/${autoName(name)}`;
    return { id: alias, name: alias, arn: regional(s, "kms", alias) };
  },
  "aws:codecommit/repository:Repository": (name, inputs, s) => {
    const repo = str(inputs.repositoryName) ?? autoName(name);
    return {
      id: repo,
      repositoryName: repo,
      repositoryId: hash(repo, 32),
      arn: regional(s, "codecommit", repo),
      cloneUrlHttp: `https://git-codecommit.${s.region}.amazonaws.com/v1/repos/${repo}`,
      cloneUrlSsh: `ssh://git-codecommit.${s.region}.amazonaws.com/v1/repos/${repo}`,
    };
  },
  // A connection is created PENDING; someone completes the handshake in the console (CodeConnections
  // API, CreateConnection). Its ARN carries the service's current prefix.
  "aws:codeconnections/connection:Connection": (name, inputs, s) => {
    const id = `${hash(name, 8)}-${hash(`${name}a`, 4)}-${hash(`${name}b`, 4)}-${hash(`${name}c`, 4)}-${hash(`${name}d`, 12)}`;
    const arn = regional(s, "codeconnections", `connection/${id}`);
    return { id: arn, arn, connectionStatus: "PENDING", name: str(inputs.name) ?? autoName(name) };
  },
  "aws:codebuild/project:Project": (name, inputs, s) => {
    const project = str(inputs.name) ?? autoName(name);
    const projectArn = regional(s, "codebuild", `project/${project}`);
    return { id: projectArn, name: project, arn: projectArn };
  },
  "aws:codepipeline/pipeline:Pipeline": (name, inputs, s) => {
    const pipeline = str(inputs.name) ?? autoName(name);
    return { id: pipeline, name: pipeline, arn: regional(s, "codepipeline", pipeline) };
  },
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, s) => {
    const group = str(inputs.name) ?? autoName(name);
    return { id: group, name: group, arn: regional(s, "logs", `log-group:${group}`) };
  },
  "aws:cloudwatch/eventRule:EventRule": (name, inputs, s) => {
    const rule = str(inputs.name) ?? autoName(name);
    return { id: rule, name: rule, arn: regional(s, "events", `rule/${rule}`) };
  },
  "aws:cloudwatch/eventTarget:EventTarget": (name, inputs) => {
    const targetId = str(inputs.targetId) ?? autoName(name);
    return { id: `${String(inputs.rule)}-${targetId}`, targetId };
  },
  "aws:lambda/function:Function": (name, inputs, s) => {
    const fn = str(inputs.name) ?? autoName(name);
    const fnArn = regional(s, "lambda", `function:${fn}`);
    // A published function's first version; unpublished ones only have $LATEST.
    const version = inputs.publish ? "1" : "$LATEST";
    return {
      id: fn,
      name: fn,
      arn: fnArn,
      qualifiedArn: `${fnArn}:${version}`,
      version,
      invokeArn: `arn:aws:apigateway:${s.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
    };
  },
  "aws:sns/topic:Topic": (name, inputs, s) => {
    const topic = str(inputs.name) ?? autoName(name);
    const topicArn = regional(s, "sns", topic);
    return { id: topicArn, name: topic, arn: topicArn };
  },
  "aws:sfn/stateMachine:StateMachine": (name, inputs, s) => {
    const machine = str(inputs.name) ?? autoName(name);
    const machineArn = regional(s, "states", `stateMachine:${machine}`);
    return { id: machineArn, name: machine, arn: machineArn };
  },
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup": (name, inputs, s) => {
    const group = str(inputs.modelPackageGroupName) ?? autoName(name);
    return {
      id: group,
      modelPackageGroupName: group,
      arn: regional(s, "sagemaker", `model-package-group/${group.toLowerCase()}`),
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs, s) => {
    const alarm = str(inputs.name) ?? autoName(name);
    return { id: alarm, name: alarm, arn: regional(s, "cloudwatch", `alarm:${alarm}`) };
  },
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (name, inputs, s) => {
    const config = str(inputs.name) ?? autoName(name);
    return {
      id: config,
      name: config,
      arn: regional(s, "sagemaker", `endpoint-config/${config.toLowerCase()}`),
    };
  },
  "aws:s3/bucketObjectv2:BucketObjectv2": (name, inputs) => {
    const key = str(inputs.key) ?? autoName(name);
    return { id: key, key, versionId: hash(key, 32), etag: hash(`${key}-etag`, 32) };
  },
  "aws:apigateway/restApi:RestApi": (name, _inputs, s) => {
    const id = hash(name, 10);
    return {
      id,
      rootResourceId: hash(`${name}-root`, 10),
      executionArn: `arn:aws:execute-api:${s.region}:${s.accountId}:${id}`,
      arn: `arn:aws:apigateway:${s.region}::/restapis/${id}`,
    };
  },
  "aws:apigateway/stage:Stage": (_name, inputs, s) => ({
    id: `ags-${String(inputs.restApi)}-${String(inputs.stageName)}`,
    invokeUrl: `https://${String(inputs.restApi)}.execute-api.${s.region}.amazonaws.com/${String(inputs.stageName)}`,
    arn: `arn:aws:apigateway:${s.region}::/restapis/${String(inputs.restApi)}/stages/${String(inputs.stageName)}`,
    executionArn: `arn:aws:execute-api:${s.region}:${s.accountId}:${String(inputs.restApi)}/${String(inputs.stageName)}`,
  }),
  "aws:apigateway/deployment:Deployment": (name) => ({ id: hash(name, 6) }),
  "aws:apigateway/apiKey:ApiKey": (name, _inputs, s) => {
    const id = hash(name, 10);
    return { id, arn: `arn:aws:apigateway:${s.region}::/apikeys/${id}`, value: "offline-preview-key" };
  },
  "aws:sqs/queue:Queue": (name, inputs, s) => {
    const queue = str(inputs.name) ?? autoName(name);
    const url = `https://sqs.${s.region}.amazonaws.com/${s.accountId}/${queue}`;
    return { id: url, name: queue, url, arn: regional(s, "sqs", queue) };
  },
};

/** `aws:cloudwatch/metricAlarm:MetricAlarm` → service `cloudwatch`, kind `metric-alarm`. */
function genericComputed(type: string, name: string, inputs: State, s: MockSettings): State & { id: string } {
  const match = /^aws:([^/]+)\/([^:]+):/.exec(type);
  const physical = str(inputs.name) ?? autoName(name);
  if (!match) return { id: physical };
  const service = { sfn: "states", cloudwatch: "cloudwatch" }[match[1]] ?? match[1];
  const kind = match[2].replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return { id: physical, name: physical, arn: regional(s, service, `${kind}/${physical}`) };
}

/**
 * An existing endpoint cannot be looked up offline; the preview answers as the one the config names
 * would be if it were right: the `sagemaker.runtime` interface endpoint of the configured VPC, with
 * private DNS, serving this account's endpoints.
 */
function existingRuntimeEndpoint(id: string, s: MockSettings): Record<string, unknown> {
  const vpc = JSON.parse(s.config?.["mlops:vpc"] ?? "{}") as { vpcId?: string };
  return {
    id,
    vpcId: vpc.vpcId ?? "vpc-offline",
    serviceName: `com.amazonaws.${s.region}.sagemaker.runtime`,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    state: "available",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "sagemaker:InvokeEndpoint",
          Resource: regional(s, "sagemaker", "endpoint/*"),
          Condition: { StringEquals: { "aws:PrincipalAccount": s.accountId } },
        },
      ],
    }),
  };
}

/**
 * SageMaker's registry accounts live in the AWS provider, which the offline preview does not run; it
 * answers with a placeholder registry so nobody mistakes the preview's URI for a real one.
 */
export const OFFLINE_PREBUILT_REGISTRY = "000000000000";

function prebuiltImage(inputs: Record<string, unknown>, settings: MockSettings): Record<string, unknown> {
  const repository = String(inputs.repositoryName);
  const tag = String(inputs.imageTag ?? "1");
  return {
    id: `${OFFLINE_PREBUILT_REGISTRY}/${repository}:${tag}`,
    repositoryName: repository,
    imageTag: tag,
    registryId: OFFLINE_PREBUILT_REGISTRY,
    registryPath: `${OFFLINE_PREBUILT_REGISTRY}.dkr.ecr.${settings.region}.amazonaws.com/${repository}:${tag}`,
  };
}

/** A provider's inputs arrive JSON-encoded when they are not strings. */
const decoded = (value: unknown): unknown => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/** The account an explicit AWS provider acts in: the one it may act in, or its assumed role's. */
function providerAccount(inputs: State): string | undefined {
  const allowed = decoded(inputs.allowedAccountIds) as string[] | undefined;
  const roles = decoded(inputs.assumeRoles) as { roleArn?: string }[] | undefined;
  return allowed?.[0] ?? roles?.[0]?.roleArn?.split(":")[4];
}

/**
 * Explicit providers by name, and the account each acts in, so resources and data sources through
 * a provider that assumes another account's role get that account in their ARNs.
 */
class ProviderAccounts {
  private readonly byName = new Map<string, string>();

  constructor(private readonly defaultAccount: string) {}

  register(name: string, inputs: State): void {
    const account = providerAccount(inputs);
    if (account) this.byName.set(name, account);
  }

  /** `provider` is a provider reference, `<urn>::<id>`; the provider's name is in the URN. */
  accountOf(provider: string | undefined): string {
    const name = provider && /pulumi:providers:aws::([^:]+)::/.exec(provider)?.[1];
    return (name && this.byName.get(name)) || this.defaultAccount;
  }
}

export function offlineMocks(settings: MockSettings): pulumi.runtime.Mocks {
  const providers = new ProviderAccounts(settings.accountId);
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
      if (args.type === "pulumi:providers:aws") providers.register(args.name, args.inputs);
      if (args.type === "pulumi:pulumi:StackReference") {
        const stackName = String(args.inputs.name ?? args.name);
        const outputs = settings.stackOutputs[stackName];
        if (!outputs) {
          throw new Error(
            `the program references stack "${stackName}", and no outputs were given for it (pass them with --stack-outputs)`,
          );
        }
        return { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
      }
      if (!args.custom || settings.preview) return { id: undefined, state: args.inputs };
      const account = { ...settings, accountId: providers.accountOf(args.provider) };
      const computed = (COMPUTED[args.type] ?? ((n, i, s) => genericComputed(args.type, n, i, s)))(
        args.name,
        args.inputs,
        account,
      );
      return { id: computed.id, state: { ...args.inputs, ...computed } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      const accountId = providers.accountOf(args.provider);
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            id: accountId,
            accountId,
            arn: `arn:aws:iam::${accountId}:user/offline-preview`,
            userId: "AIDAOFFLINEPREVIEW",
          };
        case "aws:index/getRegion:getRegion":
          return {
            id: settings.region,
            name: settings.region,
            region: settings.region,
            endpoint: `ec2.${settings.region}.amazonaws.com`,
          };
        case "aws:index/getPartition:getPartition":
          return {
            id: "aws",
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
          };
        case "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage":
          return prebuiltImage(args.inputs, settings);
        case "aws:ec2/getVpcEndpoint:getVpcEndpoint":
          return existingRuntimeEndpoint(String(args.inputs.id), settings);
        default:
          throw new Error(`the offline preview has no answer for the data source ${args.token}`);
      }
    },
  };
}
