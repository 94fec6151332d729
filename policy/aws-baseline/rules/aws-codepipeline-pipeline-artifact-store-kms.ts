import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const codepipelineKms = resourceRule(
  {
    name: "aws-codepipeline-pipeline-artifact-store-kms",
    description: "Pipelines encrypt their artifact store with a customer-managed key.",
    severity: "high",
    remediation: "Set artifactStores[].encryptionKey { id: <key ARN>, type: KMS }.",
    externalIds: ["CKV_AWS_219"],
  },
  aws.codepipeline.Pipeline,
  (props, _args, report) => {
    for (const store of props.artifactStores ?? []) {
      if (store.encryptionKey?.type !== "KMS" || !store.encryptionKey?.id)
        report(`Artifact store ${store.location} is not encrypted with a customer key.`);
    }
  },
);
