import { stackRule, type Props } from "../lib/rule";
import { integrationOf, neverRaised } from "../sfn-errors";

/** Every state of a definition, Parallel branches and Map processors included, with its name. */
function allStates(definition: Props): [string, Props][] {
  return Object.entries((definition.States ?? {}) as Record<string, Props>).flatMap(([name, state]) => [
    [name, state] as [string, Props],
    ...((state.Branches ?? []) as Props[]).flatMap(allStates),
    ...[state.ItemProcessor, state.Iterator].filter(Boolean).flatMap((inner) => allStates(inner as Props)),
  ]);
}

function parsed(definition: unknown): Props | undefined {
  try {
    return typeof definition === "string" ? (JSON.parse(definition) as Props) : (definition as Props);
  } catch {
    return undefined; // an unparseable definition is for the service to refuse
  }
}

export const sfnErrorNames = stackRule(
  {
    name: "aws-sfn-state-machine-error-names",
    description:
      "Retry and Catch on SageMaker and Lambda Tasks match only error names those integrations raise (e.g. SageMaker.AmazonSageMakerException, Lambda.ServiceException) or the States.* errors; a name never raised makes a retry that never fires.",
    severity: "high",
    remediation:
      "Use the names Step Functions documents for the integration (connect-sagemaker.html, bp-lambda-serviceexception.html); for SageMaker throttling that is SageMaker.AmazonSageMakerException.",
    externalIds: ["no trusted-tool rule: Step Functions accepts any ErrorEquals name"],
  },
  (resources, _args, report) => {
    for (const machine of resources.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine")) {
      const definition = parsed(machine.props.definition);
      if (!definition) continue;
      for (const [name, state] of allStates(definition)) {
        const integration = state.Type === "Task" ? integrationOf(state.Resource) : undefined;
        if (!integration) continue;
        for (const field of ["Retry", "Catch"])
          for (const rule of (state[field] ?? []) as Props[])
            for (const error of (rule.ErrorEquals ?? []) as string[]) {
              const why = neverRaised(integration, error);
              if (why)
                report(
                  `${machine.name}: state ${name}'s ${field} matches ${error}, which ${why}.`,
                  machine.urn,
                );
            }
      }
    }
  },
);
