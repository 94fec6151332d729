import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const codebuildKms = resourceRule(
  {
    name: "aws-codebuild-project-kms",
    description: "Build projects encrypt their artifacts with a customer-managed key.",
    severity: "medium",
    remediation: "Set encryptionKey on the Project.",
    externalIds: ["CKV_AWS_147", "codebuild-project-artifact-encryption"],
  },
  aws.codebuild.Project,
  (props, _args, report) => {
    if (!props.encryptionKey) report("The build project does not use a customer key.");
  },
);
