import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const endpointPrivateDns = resourceRule(
  {
    name: "mlops-ec2-vpc-endpoint-private-dns",
    description:
      "Interface endpoints enable private DNS, so SDK calls to the service's usual name stay inside the VPC.",
    severity: "medium",
    remediation: "Set privateDnsEnabled: true on the VpcEndpoint.",
    externalIds: ["vpc-endpoint-private-dns (no managed rule)"],
  },
  aws.ec2.VpcEndpoint,
  (props, _args, report) => {
    if (props.vpcEndpointType === "Interface" && props.privateDnsEnabled !== true)
      report(`Interface endpoint for ${props.serviceName} has private DNS off.`);
  },
);
