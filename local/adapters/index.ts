import type { StateMachineDefinition } from "../../infra/ml/state-machine";
import type { LocalHosting } from "../hosting";
import type { LocalWorld } from "../world";
import { glueAdapters } from "./glue";
import { lambdaAdapters } from "./lambda";
import { sageMakerHostingAdapters } from "./sagemaker-hosting";
import { sageMakerJobAdapters } from "./sagemaker-jobs";
import { sageMakerRegistryAdapters } from "./sagemaker-registry";
import type { TaskHandler } from "./types";

export { applyFilter } from "./sagemaker-jobs";
export { taskError, type TaskHandler } from "./types";

/**
 * Local adapters for the service APIs the state machine calls, keyed by a Task's `Resource` and
 * grouped by service. A new state that uses an API already covered here needs no new local code.
 */
export interface Adapters {
  handlers: Record<string, TaskHandler>;
  /** Each training job's output folder (its metrics and feature importance, for the report). */
  trainingOutputs: Map<string, string>;
}

export function localAdapters(world: LocalWorld, hosting: LocalHosting, featureNames: string[]): Adapters {
  const trainingOutputs = new Map<string, string>();
  return {
    handlers: {
      ...glueAdapters(world),
      ...lambdaAdapters(),
      ...sageMakerJobAdapters(world, hosting, featureNames, trainingOutputs),
      ...sageMakerHostingAdapters(world, hosting),
      ...sageMakerRegistryAdapters(world),
    },
    trainingOutputs,
  };
}

/** Task handlers by state name (what the local runner wants), from each Task's Resource. */
export function handlersByState(definition: StateMachineDefinition, byResource: Record<string, TaskHandler>) {
  const byState: Record<string, TaskHandler> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task") continue;
    const handler = byResource[String(state.Resource)];
    if (!handler)
      throw new Error(
        `State ${name} calls ${String(state.Resource)}, which has no local adapter in local/adapters/`,
      );
    byState[name] = handler;
  }
  return byState;
}
