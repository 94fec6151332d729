import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const sqsKms = resourceRule(
  {
    name: "aws-sqs-queue-kms",
    description: "Queues encrypt messages with KMS.",
    severity: "medium",
    remediation: "Set kmsMasterKeyId on the Queue.",
    externalIds: ["CKV_AWS_27", "sqs-queue-encrypted"],
  },
  aws.sqs.Queue,
  (props, _args, report) => {
    if (!props.kmsMasterKeyId && props.sqsManagedSseEnabled !== true)
      report("The queue's messages are not encrypted.");
  },
);
