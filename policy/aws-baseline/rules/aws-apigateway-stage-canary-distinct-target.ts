import type { PolicyResource } from "@pulumi/policy";
import { ofType, stackRule, type Props } from "../lib/rule";

/** Stage variables a canary sets to a value other than the stage's own. */
function changedVariables(stage: PolicyResource, canary: Props): string[] {
  const stable = (stage.props.variables ?? {}) as Props;
  const overrides = (canary.stageVariableOverrides ?? {}) as Props;
  return Object.keys(overrides).filter((name) => overrides[name] !== stable[name]);
}

/** Whether an integration of the stage's API reads the variable, or the API's integrations are not in the stack. */
function routesBy(resources: PolicyResource[], stage: PolicyResource, variable: string): boolean {
  const integrations = ofType(resources, "aws:apigateway/integration:Integration").filter(
    (i) => i.props.restApi === stage.props.restApi,
  );
  return (
    integrations.length === 0 ||
    integrations.some((i) => String(i.props.uri ?? "").includes(`stageVariables.${variable}`))
  );
}

export const apigwCanaryDistinct = stackRule(
  {
    name: "aws-apigateway-stage-canary-distinct-target",
    description:
      "A stage's canary sends its share of requests somewhere the stable stage does not: another deployment, or a stage variable the integration routes by (a Lambda version or alias) set to another value. Otherwise the canary measures the stable code and passes whatever the new code does.",
    severity: "high",
    remediation:
      "Point the integration at the function through a stage variable (…:${stageVariables.lambdaVersion}/invocations) and override that variable in canarySettings with the new version, or give the canary the new deployment.",
    externalIds: ["no trusted-tool rule: a canary with no difference passes every release"],
  },
  (resources, _args, report) => {
    for (const stage of ofType(resources, "aws:apigateway/stage:Stage")) {
      const canary = stage.props.canarySettings as Props | undefined;
      if (!canary) continue;
      const newDeployment =
        canary.deploymentId !== undefined && canary.deploymentId !== stage.props.deployment;
      const changed = changedVariables(stage, canary);
      if (newDeployment || changed.some((name) => routesBy(resources, stage, name))) continue;
      const why = changed.length
        ? `it changes stageVariables.${changed.join(", stageVariables.")}, which no integration of the API reads`
        : "it uses the stable deployment and overrides no stage variable";
      report(
        `Stage ${String(stage.props.stageName)}'s canary reaches the same target as the stable stage: ${why}.`,
        stage.urn,
      );
    }
  },
);
