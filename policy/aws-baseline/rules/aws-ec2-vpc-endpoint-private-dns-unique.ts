import { ofType, stackRule } from "../lib/rule";

export const vpcEndpointPrivateDnsUnique = stackRule(
  {
    name: "aws-ec2-vpc-endpoint-private-dns-unique",
    description:
      "A stack creates at most one interface endpoint with private DNS per service and VPC: the first one's private hosted zone owns the service's name, so AWS refuses the second (a conflicting DNS domain).",
    severity: "high",
    remediation:
      "Create the endpoint once per VPC and share it, or turn privateDnsEnabled off on the extra one and call it by its endpoint-specific name.",
    externalIds: ["no trusted-tool rule: CreateVpcEndpoint fails at deploy time"],
  },
  (resources, _args, report) => {
    const seen = new Map<string, string>();
    for (const endpoint of ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
      const { vpcEndpointType, privateDnsEnabled, vpcId, serviceName } = endpoint.props;
      if (vpcEndpointType !== "Interface" || privateDnsEnabled !== true) continue;
      const key = `${String(vpcId)} ${String(serviceName)}`;
      const first = seen.get(key);
      if (first)
        report(
          `VPC ${String(vpcId)} already has an interface endpoint with private DNS for ${String(serviceName)} (${first}); ${endpoint.name} would be refused.`,
          endpoint.urn,
        );
      else seen.set(key, endpoint.name);
    }
  },
);
