import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where resources land: used to build exact ARNs for least-privilege policies. */
export interface AwsContext {
  accountId: pulumi.Output<string>;
  region: string;
  partition: string;
}

/** The partition follows from the region; no API call needed. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * The stack's account (asked of AWS once), region and partition; every component takes this one.
 * With a provider, the account is the one that provider acts in (another account's, for prod).
 */
export function awsContext(region: string, provider?: aws.Provider): AwsContext {
  const identity = aws.getCallerIdentityOutput({}, provider ? { provider } : undefined);
  return { accountId: identity.accountId, region, partition: partitionOf(region) };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass region "" for global services. */
export function arn(ctx: AwsContext, service: string, resource: pulumi.Input<string>, region = ctx.region) {
  return pulumi.interpolate`arn:${ctx.partition}:${service}:${region}:${ctx.accountId}:${resource}`;
}

/**
 * ARN patterns of a model group and its package versions, with the group's name as written and in
 * lower case. SageMaker's examples show package ARNs lowercased (Model Registry, "View lineage";
 * this project's registry answers so), while an AccessDenied seen on AWS named a package in the
 * case its group was created with (aws-samples/ml-edge-getting-started#18): a policy names both, so
 * a group whose name has capitals is reached either way. For a lowercase name they are one.
 */
export function modelGroupArns(ctx: AwsContext, groupName: pulumi.Input<string>) {
  const both = (make: (name: string) => pulumi.Input<string>) =>
    pulumi.output(groupName).apply((name) => pulumi.all([...new Set([name, name.toLowerCase()])].map(make)));
  return {
    group: both((name) => arn(ctx, "sagemaker", `model-package-group/${name}`)),
    packages: both((name) => arn(ctx, "sagemaker", `model-package/${name}/*`)),
  };
}
