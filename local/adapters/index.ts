import type { StateMachineDefinition } from "../../infra/ml/state-machine";
import type { LocalAccount } from "../aws/account";
import type { SageMakerHosting } from "../aws/sagemaker-hosting";
import { checkTaskCall, type TaskCaller } from "../aws/task-calls";
import type { LocalHosting } from "../aws/hosting";
import type { LocalAwsState } from "../aws/state";
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

export function localAdapters(
  world: LocalAwsState,
  hosting: LocalHosting,
  featureNames: string[],
  account: LocalAccount,
  sageMaker: SageMakerHosting,
): Adapters {
  const trainingJobs = new Map<string, TrainingRecord>();
  const tunings: TuningRecord[] = [];
  return {
    handlers: {
      ...glueAdapters(world, account),
      ...lambdaAdapters(account),
      ...sageMakerJobAdapters(world, hosting, featureNames, trainingJobs, account),
      ...sageMakerTuningAdapters(world, featureNames, trainingJobs, tunings, account),
      ...sageMakerHostingAdapters(sageMaker),
      ...sageMakerRegistryAdapters(world),
    },
    trainingJobs,
    tunings,
  };
}

/**
 * Task handlers by state name (what the local runner wants), from each Task's Resource. Each call
 * is first checked as Step Functions' call to the service would be: against the API model and,
 * as the state machine's role, by IAM.
 */
export function handlersByState(
  definition: StateMachineDefinition,
  byResource: Record<string, TaskHandler>,
  caller: TaskCaller,
) {
  const byState: Record<string, TaskHandler> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task") continue;
    const resource = String(state.Resource);
    const handler = byResource[resource];
    if (!handler)
      throw new Error(`State ${name} calls ${resource}, which has no local adapter in local/adapters/`);
    byState[name] = async (input) => {
      checkTaskCall(resource, input, caller);
      return handler(input);
    };
  }
  return byState;
}
