import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const snsKms = resourceRule(
  {
    name: "aws-sns-topic-kms",
    description: "Topics encrypt messages with KMS.",
    severity: "medium",
    remediation: "Set kmsMasterKeyId on the Topic.",
    externalIds: ["CKV_AWS_26", "sns-encrypted-kms"],
  },
  aws.sns.Topic,
  (props, _args, report) => {
    if (!props.kmsMasterKeyId) report("The topic's messages are not encrypted with KMS.");
  },
);
