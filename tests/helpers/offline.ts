import type { CapturedResource, OfflineRun, OfflineRunOptions } from "../../tools/offline/harness";
import { runWithReferences } from "../../tools/offline/references";

const runs = new Map<string, Promise<OfflineRun>>();

/** The VPC-mode config the suites share, so their VPC runs are one run. */
export const VPC_CONFIG =
  'vpc={"vpcId":"vpc-0abc","subnetIds":["subnet-1","subnet-2"],"securityGroupIds":["sg-1"]}';

/** Options that run the same program the same way get the same key (no config is an empty config). */
const keyOf = ({ config, ...rest }: OfflineRunOptions) =>
  JSON.stringify(
    Object.entries({ ...rest, config: config ?? [] })
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** Each distinct run happens once per test process; suites share the result. */
export function offline(options: OfflineRunOptions): Promise<OfflineRun> {
  const key = keyOf(options);
  let run = runs.get(key);
  if (!run) {
    // Runs share Pulumi's global runtime state, so they are chained, never concurrent.
    const previous = [...runs.values()].at(-1) ?? Promise.resolve(undefined);
    run = previous.catch(() => undefined).then(() => runWithReferences(options));
    runs.set(key, run);
  }
  return run;
}

export function ofType(run: OfflineRun, type: string): CapturedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function one(run: OfflineRun, type: string, name?: string): CapturedResource {
  const found = ofType(run, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  }
  return found[0];
}

/** Parses a policy document input (a JSON string) into its statements, each as a list-normalised record. */
export function statements(policy: unknown): Record<string, unknown>[] {
  const doc = (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement: unknown };
  return ([] as unknown[]).concat(doc.Statement) as Record<string, unknown>[];
}
