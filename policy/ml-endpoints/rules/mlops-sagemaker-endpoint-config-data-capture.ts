import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const dataCapture = resourceRule(
  {
    name: "mlops-sagemaker-endpoint-config-data-capture",
    description:
      "Endpoints capture requests and responses (encrypted), sampled at least at the configured rate, so Model Monitor can see real traffic.",
    severity: "high",
    remediation:
      "Set dataCaptureConfig { enableCapture: true, initialSamplingPercentage ≥ the minimum, kmsKeyId, captureOptions Input and Output }.",
    externalIds: ["sagemaker-endpoint-config-data-capture (no managed rule; Model Monitor prerequisite)"],
    configSchema: {
      properties: { minSamplingPercent: { type: "number", minimum: 0, maximum: 100, default: 10 } },
    },
  },
  aws.sagemaker.EndpointConfiguration,
  (props, args, report) => {
    const { minSamplingPercent } = args.getConfig<{ minSamplingPercent: number }>();
    const capture = props.dataCaptureConfig;
    if (!capture?.enableCapture)
      return report("Data capture is off: Model Monitor has nothing to compare with the baseline.");
    if (Number(capture.initialSamplingPercentage ?? 0) < minSamplingPercent) {
      report(
        `Data capture samples ${capture.initialSamplingPercentage}% of requests; at least ${minSamplingPercent}% is required.`,
      );
    }
    if (!capture.kmsKeyId)
      report("Captured data is not encrypted with a customer key (dataCaptureConfig.kmsKeyId).");
  },
);
