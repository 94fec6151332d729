import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import type { ProdAccount } from "../shared/cross-account";
import { policyDocument } from "../shared/iam";
import type { VpcPlacement } from "../shared/lambda";
import { sageMakerVpcAccess } from "../shared/sagemaker-access";
import { ProdAccountBase } from "../storage/prod-account-base";

/** The key, bucket and SageMaker role production's endpoint, monitor and functions use. */
export interface ProdFoundation {
  readonly keyArn: pulumi.Output<string>;
  readonly bucket: pulumi.Output<string>;
  readonly sageMakerRoleArn: pulumi.Output<string>;
}

export interface ProdFoundationArgs {
  /** Account, region and partition of the stack. */
  readonly ctx: AwsContext;
  /** The test stack's key, staging bucket and SageMaker role, which production uses in one account. */
  readonly testStack: {
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly stagingBucketName: pulumi.Input<string>;
    readonly sageMakerRoleArn: pulumi.Input<string>;
  };
  /** Production in its own account, which gets its own key, bucket and role there. */
  readonly prodAccount?: ProdAccount;
  /** VPC mode: where production's model and monitoring jobs run. */
  readonly vpc?: VpcPlacement;
  /** Production's endpoint, whose rollback alarms its own role reads. */
  readonly endpointName: string;
}

/**
 * Production's own key, bucket and SageMaker role in its own account; in one account the test
 * stack's, whose role in VPC mode may also use production's subnets.
 */
export function prodFoundation(
  name: string,
  args: ProdFoundationArgs,
  parent: pulumi.Resource,
): ProdFoundation {
  const { ctx } = args;
  const fromTest = (key: keyof ProdFoundationArgs["testStack"]) => pulumi.output(args.testStack[key]);
  const own =
    args.prodAccount &&
    new ProdAccountBase(
      `${name}-account`,
      {
        ctx,
        pipeline: { bucketName: fromTest("stagingBucketName"), keyArn: fromTest("kmsKeyArn") },
        vpc: args.vpc,
        ruleNamePrefix: `${name}-`,
        endpointName: args.endpointName,
      },
      { parent },
    );
  if (args.vpc && !own)
    sharedRoleVpcAccess(`${name}-sagemaker-vpc-access`, fromTest("sageMakerRoleArn"), args.vpc, ctx, parent);
  return {
    keyArn: own ? own.key.arn : fromTest("kmsKeyArn"),
    bucket: own ? own.dataBucket.name : fromTest("stagingBucketName"),
    sageMakerRoleArn: own ? own.sageMakerRole.arn : fromTest("sageMakerRoleArn"),
  };
}

/**
 * SageMaker places a model or monitoring job in a VPC with its execution role's credentials; without
 * these EC2 permissions CreateModel fails. The role is the test stack's, so this policy is attached
 * to it by name from here, where the prod subnets are known.
 */
function sharedRoleVpcAccess(
  name: string,
  roleArn: pulumi.Output<string>,
  vpc: VpcPlacement,
  ctx: AwsContext,
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    name,
    {
      role: roleArn.apply((arn) => arn.split("/").pop()!),
      policy: policyDocument(sageMakerVpcAccess(ctx, vpc)),
    },
    { parent },
  );
}
