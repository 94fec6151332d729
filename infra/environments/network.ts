import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import { policyDocument } from "../shared/iam";
import type { VpcPlacement } from "../shared/lambda";

/** VPC mode: where functions and models run, and how the stack gets its `sagemaker.runtime` endpoint. */
export interface VpcMode extends VpcPlacement {
  /** Reuse this interface endpoint (the other stack's, in the same VPC) instead of creating one. */
  readonly runtimeEndpointId?: string;
  /** The endpoint this stack creates also serves the other stack's SageMaker endpoint. */
  readonly shareRuntimeEndpoint?: boolean;
}

export interface RuntimeEndpointArgs {
  /** VPC mode: run in these subnets and security groups. */
  readonly vpc: VpcMode;
  /** This stack's SageMaker endpoints. */
  readonly endpointNames: string[];
  /** The other stack's, which a shared endpoint also serves. */
  readonly otherEndpointNames: string[];
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
}

/**
 * The `sagemaker.runtime` interface endpoint for VPC mode: created here, with private DNS and a
 * policy that lets this account invoke only the endpoints that use it; or, when both stacks share a
 * VPC, created by one stack and reused by the other. A VPC can have only one endpoint with private DNS
 * for a service, so two stacks creating their own in one VPC fails on AWS:
 * https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns
 */
export function sageMakerRuntimeEndpoint(
  name: string,
  args: RuntimeEndpointArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  if (args.vpc.runtimeEndpointId) return reusedEndpoint(name, args, parent);
  const served = [...args.endpointNames, ...(args.vpc.shareRuntimeEndpoint ? args.otherEndpointNames : [])];
  const endpoint = new aws.ec2.VpcEndpoint(
    name,
    {
      vpcId: args.vpc.vpcId,
      serviceName: runtimeService(args.ctx.region),
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: args.vpc.subnetIds,
      securityGroupIds: args.vpc.securityGroupIds,
      policy: policyDocument([
        {
          Sid: "InvokeOwnEndpointsOnly",
          Principal: "*",
          Action: "sagemaker:InvokeEndpoint",
          Resource: served.map((e) => arn(args.ctx, "sagemaker", `endpoint/${e.toLowerCase()}`)),
          Condition: { StringEquals: { "aws:PrincipalAccount": args.ctx.accountId } },
        },
      ]),
    },
    { parent },
  );
  return endpoint.id;
}

const runtimeService = (region: string) => `com.amazonaws.${region}.sagemaker.runtime`;

/** What an existing endpoint must be for this stack to use it; undefined when it is. */
export function reusedEndpointProblem(
  found: {
    vpcId?: string;
    serviceName?: string;
    vpcEndpointType?: string;
    privateDnsEnabled?: boolean;
    policy?: string;
  },
  id: string,
  expected: { vpcId: string; region: string; endpointNames: string[] },
): string | undefined {
  const where = `mlops:vpc.runtimeEndpointId ${id}`;
  if (found.vpcId !== expected.vpcId)
    return `${where} is in ${found.vpcId}, not in mlops:vpc.vpcId ${expected.vpcId}`;
  if (found.serviceName !== runtimeService(expected.region) || found.vpcEndpointType !== "Interface")
    return `${where} is a ${found.vpcEndpointType} endpoint for ${found.serviceName}, not the ${runtimeService(expected.region)} interface endpoint`;
  if (found.privateDnsEnabled !== true)
    return `${where} has private DNS off, so the SageMaker Runtime client would not use it`;
  const policy = found.policy ?? "";
  const unserved = expected.endpointNames.filter(
    (e) => !policy.includes(`endpoint/${e.toLowerCase()}`) && !policy.includes("endpoint/*"),
  );
  if (unserved.length > 0)
    return `${where}'s policy does not let callers invoke ${unserved.join(", ")}; create it with mlops:vpc.shareRuntimeEndpoint: true on the stack that owns it`;
  return undefined;
}

function reusedEndpoint(
  name: string,
  args: RuntimeEndpointArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const id = args.vpc.runtimeEndpointId!;
  const found = aws.ec2.getVpcEndpointOutput({ id }, { parent });
  return found.apply((endpoint) => {
    const problem = reusedEndpointProblem(endpoint, id, {
      vpcId: args.vpc.vpcId,
      region: args.ctx.region,
      endpointNames: args.endpointNames,
    });
    if (problem) throw new pulumi.RunError(`${name}: ${problem}`);
    return endpoint.id;
  });
}
