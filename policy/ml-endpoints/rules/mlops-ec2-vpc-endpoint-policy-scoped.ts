import * as aws from "../lib/aws";
import { allowStatements } from "../lib/iam";
import { resourceRule } from "../lib/rule";

export const endpointPolicy = resourceRule(
  {
    name: "mlops-ec2-vpc-endpoint-policy-scoped",
    description:
      "Interface endpoints carry a policy narrower than everything on everything (without one, an endpoint allows * on *).",
    severity: "high",
    remediation:
      "Give the VpcEndpoint a policy allowing only the needed actions (sagemaker:InvokeEndpoint) on the stack's resources.",
    externalIds: ["no managed rule (an endpoint's default policy allows * on *)"],
  },
  aws.ec2.VpcEndpoint,
  (props, _args, report) => {
    if (props.vpcEndpointType !== "Interface") return;
    if (!props.policy)
      return report("The interface endpoint has no policy: every action on every resource is allowed.");
    for (const s of allowStatements(props.policy)) {
      if (s.actions.some((a) => a === "*" || a.endsWith(":*")) && s.resources.includes("*"))
        report("The endpoint policy allows every action on every resource.");
    }
  },
);
