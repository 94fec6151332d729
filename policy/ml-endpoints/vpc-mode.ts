import type { PolicyResource } from "@pulumi/policy";

/** VPC mode is on when the stack declares a `sagemaker.runtime` interface endpoint. */
export function inVpcMode(resources: PolicyResource[]): boolean {
  return resources.some(
    (r) =>
      r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" &&
      String(r.props.serviceName ?? "").endsWith(".sagemaker.runtime"),
  );
}
