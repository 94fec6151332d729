import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const minInstances = resourceRule(
  {
    name: "mlops-sagemaker-endpoint-config-min-instances",
    description: "Endpoint variants start with enough instances to survive the loss of one (two by default).",
    severity: "high",
    remediation:
      "Raise initialInstanceCount on the production variant to at least minInstanceCount (2 unless configured).",
    externalIds: ["sagemaker-endpoint-config-prod-instance-count"],
    configSchema: { properties: { minInstanceCount: { type: "integer", minimum: 1, default: 2 } } },
  },
  aws.sagemaker.EndpointConfiguration,
  (props, args, report) => {
    const { minInstanceCount } = args.getConfig<{ minInstanceCount: number }>();
    for (const variant of props.productionVariants ?? []) {
      if (Number(variant.initialInstanceCount ?? 0) < minInstanceCount) {
        report(
          `Variant ${variant.variantName} starts with ${variant.initialInstanceCount} instance(s); at least ${minInstanceCount} are required.`,
        );
      }
    }
  },
);
