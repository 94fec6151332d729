import { ofType, stackRule } from "../lib/rule";
import { inVpcMode } from "../vpc-mode";

export const modelInVpc = stackRule(
  {
    name: "mlops-sagemaker-model-in-vpc",
    description:
      "In VPC mode (the stack declares a sagemaker.runtime interface endpoint), models run in the VPC's subnets.",
    severity: "high",
    remediation: "Give the Model a vpcConfig with the stack's subnets and security groups (mlops:vpc).",
    externalIds: ["sagemaker-model-in-vpc", "CKV_AWS_369"],
  },
  (resources, _args, report) => {
    if (!inVpcMode(resources)) return;
    for (const model of ofType(resources, "aws:sagemaker/model:Model")) {
      if (!model.props.vpcConfig?.subnets?.length)
        report(`Model ${model.name} is not in the VPC.`, model.urn);
    }
  },
);
