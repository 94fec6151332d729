/**
 * SageMaker's rules for a blue/green endpoint update, as its API reference states them (pure: the
 * stack config refuses a rollout that breaks them, the prod endpoint is built from it, and local
 * SageMaker checks every UpdateEndpoint's DeploymentConfig with the same function):
 * - TrafficRoutingConfig: "CanarySize … Value must be less than or equal to 50% of the variant's
 *   total instance count"; "LinearStepSize … Value must be 10-50% of the variant's total instance
 *   count"; WaitIntervalInSeconds 0-3600.
 * - BlueGreenUpdatePolicy: "MaximumExecutionTimeoutInSeconds … should be larger than the total
 *   waiting time specified in TerminationWaitInSeconds and WaitIntervalInSeconds", 600-28800.
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html
 */

export interface CapacitySize {
  Type: "INSTANCE_COUNT" | "CAPACITY_PERCENT";
  Value: number;
}

export interface BlueGreenUpdatePolicy {
  TrafficRoutingConfiguration: {
    Type: "ALL_AT_ONCE" | "CANARY" | "LINEAR";
    WaitIntervalInSeconds: number;
    CanarySize?: CapacitySize;
    LinearStepSize?: CapacitySize;
  };
  TerminationWaitInSeconds?: number;
  MaximumExecutionTimeoutInSeconds?: number;
}

/** Headroom in the timeout beyond the waits: provisioning the new fleet and each step's baking. */
export const PROVISIONING_SECONDS = 1800;
export const MAX_EXECUTION_TIMEOUT = 28_800;

/** A capacity as a share of the variant's instances, in percent. */
const percentOf = (size: CapacitySize, instances: number) =>
  size.Type === "CAPACITY_PERCENT" ? size.Value : (100 * size.Value) / Math.max(1, instances);

/**
 * The longest the update waits: after each traffic step (a canary's one, or every linear step,
 * counted whole), then before the old fleet goes.
 */
export function totalWaitSeconds(policy: BlueGreenUpdatePolicy, instances: number): number {
  const routing = policy.TrafficRoutingConfiguration;
  const steps =
    routing.Type === "LINEAR" && routing.LinearStepSize
      ? Math.ceil(100 / Math.max(1e-9, percentOf(routing.LinearStepSize, instances)))
      : routing.Type === "CANARY"
        ? 1
        : 0;
  return steps * routing.WaitIntervalInSeconds + (policy.TerminationWaitInSeconds ?? 0);
}

/** What SageMaker would refuse in the policy, each naming the rule. */
export function blueGreenProblems(policy: BlueGreenUpdatePolicy, instances: number): string[] {
  const routing = policy.TrafficRoutingConfiguration;
  const problems: string[] = [];
  if (routing.Type === "CANARY" && routing.CanarySize && percentOf(routing.CanarySize, instances) > 50)
    problems.push(
      `CanarySize must be at most 50% of the variant's capacity (it is ${percentOf(routing.CanarySize, instances)}%)`,
    );
  if (routing.Type === "LINEAR" && routing.LinearStepSize) {
    const step = percentOf(routing.LinearStepSize, instances);
    if (step < 10 || step > 50)
      problems.push(`LinearStepSize must be 10-50% of the variant's capacity (it is ${step}%)`);
  }
  const waits = totalWaitSeconds(policy, instances);
  const timeout = policy.MaximumExecutionTimeoutInSeconds;
  if (timeout !== undefined && timeout <= waits)
    problems.push(
      `MaximumExecutionTimeoutInSeconds (${timeout}) must be larger than the total waiting time of TerminationWaitInSeconds and WaitIntervalInSeconds (${waits} s)`,
    );
  return problems;
}

/**
 * The timeout a policy needs: its waits and the headroom, at least SageMaker's minimum (600 s);
 * a policy whose waits leave no headroom under the maximum (28,800 s) is refused by the stack config.
 */
export function executionTimeoutFor(policy: BlueGreenUpdatePolicy, instances: number): number {
  return Math.max(600, totalWaitSeconds(policy, instances) + PROVISIONING_SECONDS);
}

/** The prod stack's rollout setting (`mlops:rollout`). */
export interface RolloutSettings {
  /** Blue/green traffic shifting: one canary step, or equal linear steps. */
  mode: "CANARY" | "LINEAR";
  /** Share of capacity moved per step (the canary's size, or each linear step). */
  stepPercent: number;
  /** Seconds to watch each step before the next. */
  waitSeconds: number;
  /** Seconds the old fleet is kept after the shift, for a fast rollback. */
  terminationWaitSeconds: number;
}

/** The blue/green policy of a rollout setting, with the timeout its waits need. */
export function rolloutPolicy(rollout: RolloutSettings): BlueGreenUpdatePolicy {
  const step: CapacitySize = { Type: "CAPACITY_PERCENT", Value: rollout.stepPercent };
  const policy: BlueGreenUpdatePolicy = {
    TrafficRoutingConfiguration: {
      Type: rollout.mode,
      WaitIntervalInSeconds: rollout.waitSeconds,
      ...(rollout.mode === "CANARY" ? { CanarySize: step } : { LinearStepSize: step }),
    },
    TerminationWaitInSeconds: rollout.terminationWaitSeconds,
  };
  return { ...policy, MaximumExecutionTimeoutInSeconds: executionTimeoutFor(policy, 1) };
}

/** What SageMaker would refuse of a rollout setting, and a timeout over SageMaker's maximum. */
export function rolloutProblems(rollout: RolloutSettings): string[] {
  const policy = rolloutPolicy(rollout);
  const problems = blueGreenProblems(policy, 1);
  const timeout = policy.MaximumExecutionTimeoutInSeconds!;
  if (timeout > MAX_EXECUTION_TIMEOUT)
    problems.push(
      `the waits add to ${totalWaitSeconds(policy, 1)} s; with ${PROVISIONING_SECONDS} s to provision, the update would need a MaximumExecutionTimeoutInSeconds of ${timeout}, over SageMaker's ${MAX_EXECUTION_TIMEOUT}: shorten waitSeconds or terminationWaitSeconds, or take larger steps`,
    );
  return problems;
}

/** The alarms whose ALARM state rolls an update of the endpoint back (its 5XX rate and its latency). */
export function rollbackAlarmNames(endpointName: string): { errors: string; latency: string } {
  return { errors: `${endpointName}-invocation-5xx`, latency: `${endpointName}-model-latency` };
}
