import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import { policyDocument } from "../shared/iam";
import type { VpcPlacement } from "../shared/lambda";
import type { Tags } from "../shared/tags";

/**
 * The `sagemaker.runtime` interface endpoint for VPC mode: private DNS on, and a policy that lets
 * this account's principals invoke only this project's endpoints (the original allowed `*` on `*`).
 */
export function sageMakerRuntimeEndpoint(
  name: string,
  args: { vpc: VpcPlacement; endpointNames: string[]; ctx: AwsContext; tags: Tags },
  parent: pulumi.Resource,
): aws.ec2.VpcEndpoint {
  return new aws.ec2.VpcEndpoint(
    name,
    {
      vpcId: args.vpc.vpcId,
      serviceName: `com.amazonaws.${args.ctx.region}.sagemaker.runtime`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: args.vpc.subnetIds,
      securityGroupIds: args.vpc.securityGroupIds,
      policy: policyDocument([
        {
          Sid: "InvokeOwnEndpointsOnly",
          Principal: "*",
          Action: "sagemaker:InvokeEndpoint",
          Resource: args.endpointNames.map((e) => arn(args.ctx, "sagemaker", `endpoint/${e.toLowerCase()}`)),
          Condition: { StringEquals: { "aws:PrincipalAccount": args.ctx.accountId } },
        },
      ]),
      tags: args.tags,
    },
    { parent },
  );
}
