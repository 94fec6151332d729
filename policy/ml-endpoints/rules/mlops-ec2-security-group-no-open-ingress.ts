import { list, stackRule } from "../lib/rule";

const OPEN = new Set(["0.0.0.0/0", "::/0"]);

export const securityGroupIngress = stackRule(
  {
    name: "mlops-ec2-security-group-no-open-ingress",
    description: "No security group accepts inbound traffic from the whole internet (0.0.0.0/0 or ::/0).",
    severity: "critical",
    remediation: "Limit ingress to the VPC's CIDR or to other security groups.",
    externalIds: [
      "CKV_AWS_24",
      "CKV_AWS_25",
      "CKV_AWS_260",
      "restricted-ssh",
      "vpc-sg-open-only-to-authorized-ports",
    ],
  },
  (resources, _args, report) => {
    for (const r of resources) {
      const open = (cidrs: unknown[]) => cidrs.map(String).some((c) => OPEN.has(c));
      if (r.type === "aws:ec2/securityGroup:SecurityGroup") {
        for (const rule of list(r.props.ingress) as Record<string, unknown>[]) {
          if (open([...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)]))
            report(`Security group ${r.name} allows ingress from anywhere.`, r.urn);
        }
      } else if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.props.type === "ingress") {
        if (open([...list(r.props.cidrBlocks), ...list(r.props.ipv6CidrBlocks)]))
          report(`Rule ${r.name} allows ingress from anywhere.`, r.urn);
      } else if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
        if (open([r.props.cidrIpv4, r.props.cidrIpv6].filter(Boolean)))
          report(`Rule ${r.name} allows ingress from anywhere.`, r.urn);
      }
    }
  },
);
