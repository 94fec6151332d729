import type { Rule } from "../lib/rule";
import { blueGreen } from "./rules/blue-green";
import { dataCapture } from "./rules/data-capture";
import { endpointConfigKms } from "./rules/endpoint-config-kms";
import { endpointMonitored } from "./rules/endpoint-monitored";
import { endpointPolicy } from "./rules/endpoint-policy";
import { endpointPrivateDns } from "./rules/endpoint-private-dns";
import { instanceTypes } from "./rules/instance-types";
import { lambdaInVpc } from "./rules/lambda-in-vpc";
import { minInstances } from "./rules/min-instances";
import { modelInVpc } from "./rules/model-in-vpc";
import { modelIsolation } from "./rules/model-isolation";
import { monitoringEncrypted } from "./rules/monitoring-encrypted";
import { securityGroupIngress } from "./rules/security-group-ingress";
import { trainingImage } from "./rules/training-image";

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
