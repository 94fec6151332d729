import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const endpointConfigKms = resourceRule(
  {
    name: "mlops-sagemaker-endpoint-config-kms",
    description:
      "SageMaker endpoint configurations encrypt the instances' storage with a customer-managed KMS key.",
    severity: "high",
    remediation: "Set kmsKeyArn on the EndpointConfiguration to a customer-managed KMS key.",
    externalIds: ["CKV_AWS_98", "sagemaker-endpoint-configuration-kms-key-configured"],
  },
  aws.sagemaker.EndpointConfiguration,
  (props, _args, report) => {
    if (!props.kmsKeyArn)
      report(
        "The endpoint configuration has no kmsKeyArn: its volumes are not encrypted with a customer key.",
      );
  },
);
