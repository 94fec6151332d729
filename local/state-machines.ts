import { StateMachine } from "aws-local-stepfunctions";

const validated = new Set<string>();

/**
 * aws-local-stepfunctions validates a definition on every construction, and its asl-validator
 * compiles the ASL schema each time (~0.2–0.4 s here, on every local run). Each distinct definition
 * is validated once per process, on its first construction, and constructed without it after.
 */
export function stateMachineFor(definition: object): StateMachine {
  const key = JSON.stringify(definition);
  const machine = new StateMachine(definition as never, {
    validationOptions: { noValidate: validated.has(key) },
  });
  validated.add(key);
  return machine;
}
