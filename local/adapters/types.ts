// Task inputs are the state machine's JSON, shaped by each API; adapters read the fields they need.
type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type TaskInput = Input;
export type TaskHandler = (input: TaskInput) => Promise<unknown>;

/** A service error as Step Functions names it (`States.TaskFailed`, `SageMaker.ValidationException`). */
export function taskError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

export const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";
