import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

const CONNECTION = /^arn:aws[\w-]*:(?:codeconnections|codestar-connections):([\w-]+):(\d{12}):connection\//;
const ARN_PARTS = /^arn:aws[\w-]*:[\w-]+:([\w-]*):(\d{12}):/;

/**
 * The pipeline's own account and region, read from what names them: its artifact store's key (a
 * KMS key ARN carries both) and its role (the account). Unknown values leave them unknown.
 */
function pipelinePlace(props: {
  roleArn?: unknown;
  artifactStores?: { encryptionKey?: { id?: unknown } }[];
}) {
  const key = ARN_PARTS.exec(String(props.artifactStores?.[0]?.encryptionKey?.id ?? ""));
  const role = ARN_PARTS.exec(String(props.roleArn ?? ""));
  return { region: key?.[1] || undefined, account: role?.[2] ?? key?.[2] };
}

export const codepipelineSourceConnection = resourceRule(
  {
    name: "aws-codepipeline-source-connection-local",
    description:
      "A pipeline's source connection is in the pipeline's own account and region: a connection elsewhere cannot be used by its role and leaves the source outside the account's control.",
    severity: "high",
    remediation:
      "Create the connection (CodeConnections) in the pipeline's account and region, complete it in the console, and set its ARN as ConnectionArn.",
    externalIds: ["no trusted-tool rule: CodePipeline refuses the action at run time"],
  },
  aws.codepipeline.Pipeline,
  (props, _args, report) => {
    const place = pipelinePlace(props as never);
    for (const stage of props.stages ?? [])
      for (const action of stage.actions ?? []) {
        if (action.provider !== "CodeStarSourceConnection") continue;
        const arn = String(action.configuration?.ConnectionArn ?? "");
        const found = CONNECTION.exec(arn);
        if (!found) {
          // An unknown value (a connection created in this update) is not an ARN yet.
          if (arn.startsWith("arn:"))
            report(`Action ${action.name}: ConnectionArn ${arn} is not a connection ARN.`);
          continue;
        }
        const [, region, account] = found;
        if (place.account && account !== place.account)
          report(
            `Action ${action.name}: the connection is in account ${account}, the pipeline in ${place.account}.`,
          );
        if (place.region && region !== place.region)
          report(`Action ${action.name}: the connection is in ${region}, the pipeline in ${place.region}.`);
      }
  },
);
