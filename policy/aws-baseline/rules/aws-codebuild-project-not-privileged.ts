import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const codebuildPrivileged = resourceRule(
  {
    name: "aws-codebuild-project-not-privileged",
    description:
      "Build containers do not run privileged (it is only needed to build Docker images, which these builds do not).",
    severity: "high",
    remediation: "Set environment.privilegedMode: false, or list the project in allowPrivileged.",
    externalIds: ["CKV_AWS_316", "codebuild-project-environment-privileged-check"],
    configSchema: {
      properties: { allowPrivileged: { type: "array", items: { type: "string" }, default: [] } },
    },
  },
  aws.codebuild.Project,
  (props, args, report) => {
    const { allowPrivileged } = args.getConfig<{ allowPrivileged: string[] }>();
    if (props.environment?.privilegedMode === true && !allowPrivileged.includes(props.name ?? ""))
      report(`Project ${props.name} runs privileged.`);
  },
);
