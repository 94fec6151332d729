import { ofType, stackRule } from "../lib/rule";
import { inVpcMode } from "../vpc-mode";

export const lambdaInVpc = stackRule(
  {
    name: "mlops-lambda-function-in-vpc",
    description:
      "In VPC mode, functions that call a SageMaker endpoint (ENDPOINT_NAME set) run in the VPC, reaching it through the interface endpoint.",
    severity: "high",
    remediation: "Give the function a vpcConfig with the stack's subnets and security groups (mlops:vpc).",
    externalIds: ["CKV_AWS_117", "lambda-inside-vpc"],
  },
  (resources, _args, report) => {
    if (!inVpcMode(resources)) return;
    for (const fn of ofType(resources, "aws:lambda/function:Function")) {
      if (fn.props.environment?.variables?.ENDPOINT_NAME && !fn.props.vpcConfig?.subnetIds?.length) {
        report(
          `Function ${fn.name} calls endpoint ${fn.props.environment.variables.ENDPOINT_NAME} from outside the VPC.`,
          fn.urn,
        );
      }
    }
  },
);
