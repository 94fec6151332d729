import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const monitoringEncrypted = resourceRule(
  {
    name: "mlops-sagemaker-monitoring-job-encrypted",
    description:
      "Model Monitor jobs encrypt their output and volumes with KMS and the traffic between their containers.",
    severity: "high",
    remediation:
      "Set dataQualityJobOutputConfig.kmsKeyId, jobResources.clusterConfig.volumeKmsKeyId and networkConfig.enableInterContainerTrafficEncryption.",
    externalIds: [
      "CKV_AWS_367",
      "sagemaker-data-quality-job-encrypt-in-transit",
      "sagemaker-data-quality-job-isolation",
    ],
  },
  aws.sagemaker.DataQualityJobDefinition,
  (props, _args, report) => {
    if (!props.dataQualityJobOutputConfig?.kmsKeyId)
      report("Monitoring output is not encrypted with a customer key.");
    if (!props.jobResources?.clusterConfig?.volumeKmsKeyId)
      report("Monitoring volumes are not encrypted with a customer key.");
    if (props.networkConfig?.enableInterContainerTrafficEncryption !== true)
      report("Traffic between monitoring containers is not encrypted.");
  },
);
