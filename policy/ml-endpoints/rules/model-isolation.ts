import { resourceRule } from "../../lib/rule";

export const modelIsolation = resourceRule(
  {
    name: "sagemaker-model-network-isolation",
    description: "Model containers run with network isolation: they cannot call out of the container.",
    severity: "high",
    remediation: "Set enableNetworkIsolation: true on the Model.",
    externalIds: ["sagemaker-model-isolation-enabled", "CKV_AWS_370"],
  },
  "aws:sagemaker/model:Model",
  (props, _args, report) => {
    if (props.enableNetworkIsolation !== true) report("The model's container is not network-isolated.");
  },
);
