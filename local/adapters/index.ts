import type { StateMachineDefinition } from "../../infra/ml/state-machine";
import type { LocalHosting } from "../hosting";
import type { LocalWorld } from "../world";
import { glueAdapters } from "./glue";
import { lambdaAdapters } from "./lambda";
import { sageMakerHostingAdapters } from "./sagemaker-hosting";
import { sageMakerJobAdapters } from "./sagemaker-jobs";
import { sageMakerRegistryAdapters } from "./sagemaker-registry";
import { sageMakerTuningAdapters, type TuningRecord } from "./sagemaker-tuning";
import type { TrainingRecord } from "./sagemaker-jobs";
import type { TaskHandler } from "./types";

export { applyFilter, type TrainingRecord } from "./sagemaker-jobs";
export type { TuningRecord, TuningTrial } from "./sagemaker-tuning";
export { taskError, type TaskHandler } from "./types";

/**
 * Local adapters for the service APIs the state machine calls, keyed by a Task's `Resource` and
 * grouped by service. A new state that uses an API already covered here needs no new local code.
 */
export interface Adapters {
  handlers: Record<string, TaskHandler>;
  /** Each training job the run started, by name (its output folder holds metrics and feature importance). */
  trainingJobs: Map<string, TrainingRecord>;
  /** The tuning jobs the run started, with every trial. */
  tunings: TuningRecord[];
}

export function localAdapters(world: LocalWorld, hosting: LocalHosting, featureNames: string[]): Adapters {
  const trainingJobs = new Map<string, TrainingRecord>();
  const tunings: TuningRecord[] = [];
  return {
    handlers: {
      ...glueAdapters(world),
      ...lambdaAdapters(),
      ...sageMakerJobAdapters(world, hosting, featureNames, trainingJobs),
      ...sageMakerTuningAdapters(world, featureNames, trainingJobs, tunings),
      ...sageMakerHostingAdapters(world, hosting),
      ...sageMakerRegistryAdapters(world),
    },
    trainingJobs,
    tunings,
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
