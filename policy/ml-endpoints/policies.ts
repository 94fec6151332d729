import type { Rule } from "./lib/rule";
import { blueGreen } from "./rules/mlops-sagemaker-endpoint-safe-rollout";
import { dataCapture } from "./rules/mlops-sagemaker-endpoint-config-data-capture";
import { endpointConfigKms } from "./rules/mlops-sagemaker-endpoint-config-kms";
import { endpointMonitored } from "./rules/mlops-sagemaker-endpoint-monitored";
import { endpointPolicy } from "./rules/mlops-ec2-vpc-endpoint-policy-scoped";
import { endpointPrivateDns } from "./rules/mlops-ec2-vpc-endpoint-private-dns";
import { instanceTypes } from "./rules/mlops-sagemaker-endpoint-config-instance-types";
import { lambdaInVpc } from "./rules/mlops-lambda-function-in-vpc";
import { minInstances } from "./rules/mlops-sagemaker-endpoint-config-min-instances";
import { modelInVpc } from "./rules/mlops-sagemaker-model-in-vpc";
import { modelIsolation } from "./rules/mlops-sagemaker-model-network-isolation";
import { monitoringEncrypted } from "./rules/mlops-sagemaker-monitoring-job-encrypted";
import { securityGroupIngress } from "./rules/mlops-ec2-security-group-no-open-ingress";
import { trainingImage } from "./rules/mlops-sagemaker-model-current-image";

/** The ML endpoint and networking rules; index.ts builds the pack from this list. */
export const PACK_NAME = "mlops-ml-endpoints";
export const policies: Rule[] = [
  endpointConfigKms,
  dataCapture,
  instanceTypes,
  minInstances,
  blueGreen,
  modelIsolation,
  modelInVpc,
  endpointMonitored,
  monitoringEncrypted,
  trainingImage,
  lambdaInVpc,
  endpointPrivateDns,
  endpointPolicy,
  securityGroupIngress,
];
