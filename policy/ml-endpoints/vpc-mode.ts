import type { PolicyResource } from "@pulumi/policy";

/**
 * VPC mode is on when the stack declares a `sagemaker.runtime` interface endpoint, or runs functions
 * in a VPC (a stack that reuses another stack's endpoint declares none of its own).
 */
export function inVpcMode(resources: PolicyResource[]): boolean {
  return resources.some(
    (r) =>
      (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" &&
        String(r.props.serviceName ?? "").endsWith(".sagemaker.runtime")) ||
      (r.type === "aws:lambda/function:Function" && Boolean(r.props.vpcConfig)),
  );
}
