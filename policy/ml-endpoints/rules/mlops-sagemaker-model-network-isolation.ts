import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const modelIsolation = resourceRule(
  {
    name: "mlops-sagemaker-model-network-isolation",
    description: "Model containers run with network isolation: they cannot call out of the container.",
    severity: "high",
    remediation: "Set enableNetworkIsolation: true on the Model.",
    externalIds: ["sagemaker-model-isolation-enabled", "CKV_AWS_370"],
  },
  aws.sagemaker.Model,
  (props, _args, report) => {
    if (props.enableNetworkIsolation !== true) report("The model's container is not network-isolated.");
  },
);
