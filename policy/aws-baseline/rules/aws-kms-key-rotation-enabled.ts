import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const kmsRotation = resourceRule(
  {
    name: "aws-kms-key-rotation-enabled",
    description: "Customer-managed keys rotate.",
    severity: "medium",
    remediation: "Set enableKeyRotation: true on the Key.",
    externalIds: ["CKV_AWS_7", "cmk-backing-key-rotation-enabled"],
  },
  aws.kms.Key,
  (props, _args, report) => {
    if (props.enableKeyRotation !== true) report("Key rotation is off.");
  },
);
