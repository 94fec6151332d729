import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const blueGreen = resourceRule(
  {
    name: "mlops-sagemaker-endpoint-safe-rollout",
    description:
      "Endpoints update blue/green with canary or linear traffic shifting and roll back automatically on CloudWatch alarms.",
    severity: "high",
    remediation:
      "Set deploymentConfig.blueGreenUpdatePolicy (CANARY or LINEAR) and autoRollbackConfiguration.alarms (e.g. 5XX errors and model latency).",
    externalIds: ["SageMaker deployment guardrails (no managed rule)"],
  },
  aws.sagemaker.Endpoint,
  (props, _args, report) => {
    const routing = props.deploymentConfig?.blueGreenUpdatePolicy?.trafficRoutingConfiguration;
    if (!routing)
      return report(
        "The endpoint has no blue/green deployment policy: an update replaces all traffic at once.",
      );
    if (!["CANARY", "LINEAR"].includes(routing.type))
      report(`Traffic shifts ${routing.type}; use CANARY or LINEAR.`);
    if ((props.deploymentConfig?.autoRollbackConfiguration?.alarms ?? []).length === 0)
      report("No alarms roll the deployment back automatically.");
  },
);
