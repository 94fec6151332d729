import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

const DEFAULT_ALLOWED = [
  "ml.t2.medium",
  "ml.m5.large",
  "ml.m5.xlarge",
  "ml.m5.2xlarge",
  "ml.c5.large",
  "ml.c5.xlarge",
  "ml.c5.2xlarge",
];

export const instanceTypes = resourceRule(
  {
    name: "mlops-sagemaker-endpoint-config-instance-types",
    description: "Endpoint variants use instance types from the approved list (cost and capacity control).",
    severity: "medium",
    remediation:
      "Use an instance type from allowedInstanceTypes, or add the type to the list in the policy config.",
    externalIds: ["Pulumi AWSGuard-style allowlist (no SageMaker rule in the trusted tools)"],
    configSchema: {
      properties: {
        allowedInstanceTypes: { type: "array", items: { type: "string" }, default: DEFAULT_ALLOWED },
      },
    },
  },
  aws.sagemaker.EndpointConfiguration,
  (props, args, report) => {
    const { allowedInstanceTypes } = args.getConfig<{ allowedInstanceTypes: string[] }>();
    for (const variant of props.productionVariants ?? []) {
      if (variant.instanceType && !allowedInstanceTypes.includes(variant.instanceType)) {
        report(
          `Variant ${variant.variantName} uses ${variant.instanceType}, which is not in the allowed list (${allowedInstanceTypes.join(", ")}).`,
        );
      }
    }
  },
);
