import "../run/promise-with-resolvers";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StateMachine } from "aws-local-stepfunctions";
import { MAX_TIMER_SECONDS } from "../adapters/time-limits";

const ROOT = join(__dirname, "..", "..");
/** Definitions the validator accepted, one empty file per definition and locked dependency set. */
const VALIDATED_DIR = join(ROOT, "node_modules", ".cache", "mlops", "validated-definitions");

let lockDigest: string | undefined;
/** The locked dependencies (the validator's version among them), read once per process. */
const locked = () =>
  (lockDigest ??= createHash("sha256")
    .update(readFileSync(join(ROOT, "package-lock.json")))
    .digest("hex"));

/** The file that says `definition` passed, keyed with the locked dependencies. */
export function validationMarker(definition: object): string {
  const key = createHash("sha256").update(locked()).update(JSON.stringify(definition)).digest("hex");
  return join(VALIDATED_DIR, key);
}

const validated = new Set<string>();

/**
 * aws-local-stepfunctions validates a definition on every construction, and its asl-validator
 * compiles the ASL schema each time (a cost on every local run). A definition is validated
 * on its first construction and remembered, in this process and on disk, once it passes; a refused
 * one is never remembered, and any change to it or to the locked dependencies validates again.
 */
export function stateMachineFor(definition: object): StateMachine {
  // Keyed before construction: the library adds its defaults to the definition it is given.
  const marker = validationMarker(definition);
  const known = validated.has(marker) || existsSync(marker);
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: known } });
  if (!known) {
    mkdirSync(VALIDATED_DIR, { recursive: true });
    writeFileSync(marker, "");
  }
  validated.add(marker);
  return machine;
}

/** A Task's timeout in Step Functions when it sets none (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html). */
const STEP_FUNCTIONS_TASK_TIMEOUT_SECONDS = 99999999;

interface Definition {
  TimeoutSeconds?: number;
  States: Record<string, Record<string, unknown>>;
}

/**
 * The definition with every Task's timeout in aws-local-stepfunctions moved past the execution's
 * end, so that timer never decides. The library gives a Task without TimeoutSeconds 60 s (the ASL
 * spec's default) where Step Functions gives it 99999999 s, and has no option for it; the limits a
 * Task does have (its service's, its own TimeoutSeconds) are kept by local/adapters/time-limits.ts,
 * which names them, and the execution's TimeoutSeconds by the library. A TimeoutSecondsPath is
 * left to the library.
 */
export function withLocalTaskTimeouts<T extends Definition>(definition: T): T {
  const execution = definition.TimeoutSeconds ?? STEP_FUNCTIONS_TASK_TIMEOUT_SECONDS;
  const backstop = Math.min(MAX_TIMER_SECONDS, execution + 1);
  const states = Object.entries(definition.States).map(([name, state]) => [
    name,
    state.Type === "Task" && state.TimeoutSecondsPath === undefined
      ? { ...state, TimeoutSeconds: backstop }
      : state,
  ]);
  return { ...definition, States: Object.fromEntries(states) };
}
