import type { CapturedResource, OfflineRun } from "../../tools/offline/harness";

/** A copy of a run with one resource's input changed (in the wire format the evaluator reads). */
export function planted(
  run: OfflineRun,
  name: string,
  key: string,
  change: (value: unknown) => unknown,
): OfflineRun {
  const resources = structuredClone(run.resources) as CapturedResource[];
  const target = resources.find((r) => r.name === name);
  if (!target) throw new Error(`no resource named ${name} in the ${run.stack} run`);
  const value = change(target.wire!.inputs[key]);
  target.wire!.inputs[key] = value;
  // Stack policies read the resulting state, resource policies the inputs: the defect is in both.
  if (key in target.wire!.state) target.wire!.state[key] = value;
  return { ...run, resources };
}

/** A copy of a run without the named resource. */
export function removed(run: OfflineRun, name: string): OfflineRun {
  if (!run.resources.some((r) => r.name === name)) throw new Error(`no resource named ${name}`);
  return { ...run, resources: run.resources.filter((r) => r.name !== name) };
}

/** Edits one statement (by Sid) of a JSON policy document property. */
export const editPolicy =
  (sid: string, edit: (s: Record<string, unknown>) => Record<string, unknown> | undefined) =>
  (value: unknown) => {
    const doc = JSON.parse(String(value)) as { Statement: Record<string, unknown>[] };
    const statements = doc.Statement.map((s) => (s.Sid === sid ? edit(s) : s)).filter(Boolean);
    return JSON.stringify({ ...doc, Statement: statements });
  };
