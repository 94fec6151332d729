import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { percentile } from "../../functions/test-suite";

/** Helpers the bench's sections share: medians, timed child processes, verdicts. */

export const median = (values: number[]) => percentile(values, 50);

export const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

/**
 * Wall seconds of one child process run to completion; a run that does not end with `expectedStatus`
 * stops the bench with its output.
 */
export function timeProcess(
  command: string,
  args: string[],
  options: SpawnSyncOptions = {},
  expectedStatus = 0,
): number {
  const began = performance.now();
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20, ...options });
  const seconds = (performance.now() - began) / 1000;
  if (run.status !== expectedStatus)
    throw new Error(
      `${command} ${args.join(" ")} failed (${run.signal ?? run.status}): ${String(run.stderr).slice(-2000)}`,
    );
  return seconds;
}

/** The median wall seconds of `runs` runs of a child process. */
export function medianProcess(
  runs: number,
  command: string,
  args: string[],
  options?: SpawnSyncOptions,
  expectedStatus = 0,
): number {
  return median(Array.from({ length: runs }, () => timeProcess(command, args, options, expectedStatus)));
}

export const seconds = (value: number) => `${value.toFixed(2)} s`;
