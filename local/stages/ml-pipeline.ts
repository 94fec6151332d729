import { stateMachineFor, withLocalTaskTimeouts } from "../aws/state-machines";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StateMachineDefinition } from "../../infra/ml/state-machine";
import { handlersByState, localAdapters, type Adapters, type TaskHandler } from "../adapters";
import { glueJobTimeout } from "../adapters/glue";
import { limitedHandlers, type GlueJobTimeout } from "../adapters/time-limits";
import type { RunContext, Stage } from "../run/context";

/** A Task's handler logging how long it took, up to its result or its time limit. */
function timed(ctx: RunContext) {
  return (name: string, handler: TaskHandler): TaskHandler =>
    async (taskInput) => {
      (ctx.result.tasks ??= []).push(name);
      const started = performance.now();
      try {
        return await handler(taskInput);
      } finally {
        ctx.log(`    ${name.padEnd(20)} ${((performance.now() - started) / 1000).toFixed(2)} s`);
      }
    };
}

/**
 * Every retry without the cloud's wait: locally a service is as ready after 100 ms as after the
 * definition's interval (endpoint checks, a throttled call), and a refused call retried by a
 * catch-all rule would otherwise hold a run for the rule's whole backoff.
 */
function retryIntervals(definition: StateMachineDefinition): Record<string, number> {
  return Object.fromEntries(
    Object.entries(definition.States)
      .filter(([, state]) => Array.isArray(state.Retry))
      .map(([name]) => [name, 100]),
  );
}

/** How a local execution ended: the workflow's output, or the state it stopped in and why. */
export type Outcome =
  { ok: true; output: Record<string, unknown> } | { ok: false; state: string; cause: string };

/** Step Functions ends an execution at the definition's TimeoutSeconds, whatever state it is in. */
function executionTimedOut(definition: StateMachineDefinition, lastTask: string | undefined): Outcome {
  return {
    ok: false,
    state: lastTask ?? "States.Timeout",
    cause: `the execution exceeded the state machine's TimeoutSeconds (${definition.TimeoutSeconds} s, in infra/ml/state-machine.ts): Step Functions times out an execution at its TimeoutSeconds`,
  };
}

export interface RunOptions {
  /** The deployed Glue job's timeout in minutes, by job name. */
  glueJobTimeout: GlueJobTimeout;
  /** Wraps each Task's limited handler (the run's log of Task durations). */
  observe?: (stateName: string, handler: TaskHandler) => TaskHandler;
}

/**
 * The definition run in aws-local-stepfunctions with `handlers` (by state name), each Task held to
 * the limit its cloud counterpart has (local/adapters/time-limits.ts).
 */
export async function runDefinition(
  definition: StateMachineDefinition,
  input: unknown,
  handlers: Record<string, TaskHandler>,
  options: RunOptions,
): Promise<Outcome> {
  let lastTask: string | undefined;
  const limited = limitedHandlers(definition.States, handlers, options.glueJobTimeout);
  const tracked = Object.fromEntries(
    Object.entries(limited).map(([name, handler]): [string, TaskHandler] => {
      const observed = options.observe?.(name, handler) ?? handler;
      return [
        name,
        (taskInput) => {
          lastTask = name;
          return observed(taskInput);
        },
      ];
    }),
  );
  const execution = stateMachineFor(withLocalTaskTimeouts(definition)).run(input as never, {
    overrides: {
      taskResourceLocalHandlers: tracked as never,
      // Local CreateEndpoint and DeleteEndpoint return once the endpoint is in service or gone, so the
      // Wait states still run, as in the cloud, but the check that follows them need not be delayed.
      waitTimeOverrides: { WaitForEndpoint: 0, WaitForDeletion: 0 },
      retryIntervalOverrides: retryIntervals(definition),
    },
  });
  try {
    return { ok: true, output: (await execution.result) as Record<string, unknown> };
  } catch (error) {
    if ((error as Error).name === "ExecutionTimeoutError") return executionTimedOut(definition, lastTask);
    const failure = (error as { cause?: { name?: string; message?: string } }).cause;
    return { ok: false, state: failure?.name ?? "Unknown", cause: failure?.message ?? String(error) };
  }
}

/** What the run left in the world that the report shows, whether it succeeded or not. */
function collectArtifacts(ctx: RunContext, adapters: Adapters): void {
  const { world, input, result } = ctx;
  const read = (path: string) => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);
  result.dataReport = read(world.path(input.data.reportUri));
  result.evaluation = read(world.path(input.evaluation.evaluationUri));
  result.tuning = adapters.tunings[0];
  // With tuning, the model is the best trial's; without, the one training job's.
  const jobName = result.tuning?.best?.trainingJobName ?? input.training.jobName;
  const trainingDir = adapters.trainingJobs.get(jobName)?.outputDir;
  if (trainingDir) result.featureImportance = read(join(trainingDir, "feature-importance.json"));
}

/** Data prep, training, evaluation, gate, registration and the test endpoint: the cloud's workflow. */
export const mlPipeline: Stage = {
  name: "ML pipeline",
  async run(ctx) {
    // The definition the test stack deploys, run as the state machine's role.
    const machine = ctx.account.stateMachine();
    const definition = machine.definition as unknown as StateMachineDefinition;
    const session = ctx.account.assume(machine.roleArn, "states.amazonaws.com", ctx.input.runId);
    const adapters = localAdapters(ctx.world, ctx.hosting, ctx.features, ctx.account, ctx.sageMaker);
    const caller = {
      account: ctx.account,
      session,
      endpointConfigKey: (name: string) => ctx.world.endpointConfigs.get(name)?.kmsKeyId,
    };
    ctx.log("ML pipeline (the state machine the test stack deploys, from infra/ml/state-machine.ts):");
    ctx.hosting.warmUp();
    const outcome = await runDefinition(
      definition,
      ctx.input,
      handlersByState(definition, adapters.handlers, caller),
      { glueJobTimeout: (jobName) => glueJobTimeout(ctx.account, jobName), observe: timed(ctx) },
    );
    collectArtifacts(ctx, adapters);
    const { result, config } = ctx;
    if (!outcome.ok) {
      result.failedState = outcome.state;
      if (outcome.state === "GateRejected") result.gateSummary = outcome.cause;
      result.message = `The ML pipeline stopped in ${outcome.state}: ${outcome.cause.replace(/\.$/, "")}. Production is untouched.`;
      return "stop";
    }
    result.gateSummary = String(outcome.output.gateSummary);
    result.modelPackage = ctx.world.packages().find((p) => p.arn === outcome.output.modelPackageArn);
    result.endpoints.test = config.endpoints.test.name;
    return "continue";
  },
};
