import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../stack-config";

export type Tags = Record<string, string>;

/**
 * The tags every resource of the stack carries, set once as the provider's `defaultTags`: who owns
 * it, which stack, and the stack's extra tags. The provider merges them into each resource's
 * `tagsAll`; a resource's own tag of the same key wins (pulumi-aws, Provider `defaultTags`).
 */
export function stackTags(extra: Tags = {}): Tags {
  return { ...extra, project: PROJECT, stack: pulumi.getStack() };
}

/**
 * Resource types of this program that take `tags` (their Args declare it in @pulumi/aws); a test
 * keeps the set equal to what the program declares, so a new taggable type cannot go untagged.
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "aws:apigateway/apiKey:ApiKey",
  "aws:apigateway/restApi:RestApi",
  "aws:apigateway/stage:Stage",
  "aws:apigateway/usagePlan:UsagePlan",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:codebuild/project:Project",
  "aws:codecommit/repository:Repository",
  "aws:codeconnections/connection:Connection",
  "aws:codepipeline/pipeline:Pipeline",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:glue/job:Job",
  "aws:iam/role:Role",
  "aws:kms/key:Key",
  "aws:lambda/function:Function",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
  "aws:sagemaker/endpoint:Endpoint",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:sagemaker/model:Model",
  "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
  "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
  "aws:sfn/stateMachine:StateMachine",
  "aws:sns/topic:Topic",
  "aws:sqs/queue:Queue",
]);

/**
 * The project's outermost component in a resource's parent URN, e.g. `mlops:ml:MlPipeline` for a
 * role inside a bucket inside the pipeline: the unit a cost report groups by.
 */
export function outermostComponent(parentUrn: string | undefined): string | undefined {
  const qualifiedType = parentUrn?.split("::")[2];
  return qualifiedType?.split("$").find((type) => type.startsWith(`${PROJECT}:`));
}

/** The `component` tag added to a taggable resource's own tags; other resources pass unchanged. */
export function withComponentTag(
  type: string,
  props: Record<string, unknown>,
  component: string | undefined,
): Record<string, unknown> | undefined {
  if (!component || !TAGGABLE_TYPES.has(type)) return undefined;
  const own = props.tags as pulumi.Input<Tags> | undefined;
  const tags = pulumi.Output.isInstance(own)
    ? own.apply((known) => ({ ...known, component }))
    : { ...(own as Tags | undefined), component };
  return { ...props, tags };
}

/**
 * Registers the stack transform that tags each resource with its component. The engine calls it
 * for every resource registered after this, with the parent as a URN (pulumi/pulumi#18642, CLI 3.151.0).
 */
export function tagResourcesWithComponent(): void {
  pulumi.runtime.registerResourceTransform(async (args) => {
    const parentUrn = await urnOf(args.opts.parent);
    const props = withComponentTag(args.type, args.props, outermostComponent(parentUrn));
    return props && { props, opts: args.opts };
  });
}

function urnOf(resource: pulumi.Resource | undefined): Promise<string | undefined> {
  if (!resource) return Promise.resolve(undefined);
  return new Promise((resolve) => resource.urn.apply(resolve));
}
