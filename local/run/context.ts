import { readFileSync } from "node:fs";
import type { MlPipelineConfig } from "../../config/ml-config";
import type { RunInput } from "../../functions/lib/run-input";
import type { LocalApi } from "../aws/api-server";
import type { LocalAccount } from "../aws/account";
import type { SageMakerHosting } from "../aws/sagemaker-hosting";
import type { LocalHosting } from "../aws/hosting";
import type { LocalRunOptions, LocalRunResult } from "./types";
import type { LocalAwsState } from "../aws/state";

/** What every stage of a local run shares: its settings, the local AWS stand-ins and the result so far. */
export interface RunContext {
  readonly options: LocalRunOptions;
  readonly log: (line: string) => void;
  readonly config: MlPipelineConfig;
  /** Feature names in column order (one-hot groups expanded). */
  readonly features: string[];
  readonly input: RunInput;
  readonly world: LocalAwsState;
  readonly hosting: LocalHosting;
  /** The deployed stacks' account: names, roles, policies, and the IAM decisions of every call. */
  readonly account: LocalAccount;
  /** SageMaker's hosting control plane (models, endpoint configurations, endpoints). */
  readonly sageMaker: SageMakerHosting;
  readonly result: LocalRunResult;
  /** The API Gateway stand-in, once the services stage started it. */
  api?: LocalApi;
  /** The prod stage of the API, once the release stage added it. */
  prodApi?: { url: string; apiKey: string };
  /** The signal that ended the run, once one did: nothing irreversible may follow. */
  interrupted?: NodeJS.Signals;
}

/** Thrown where a stage would do something irreversible after the run was interrupted. */
export class RunInterrupted extends Error {
  constructor(signal: NodeJS.Signals, step: string) {
    super(`the run was interrupted by ${signal}; ${step} was not done`);
    this.name = "RunInterrupted";
  }
}

/** Before an irreversible step (a release, an approval): the run must not have been interrupted. */
export function stillRunning(ctx: RunContext, step: string): void {
  if (ctx.interrupted) throw new RunInterrupted(ctx.interrupted, step);
}

/** What a stage decides: go on to the next, or end the run here (the result says why). */
export type StageOutcome = "continue" | "stop";

export interface Stage {
  /** Shown in the progress lines and the timings. */
  readonly name: string;
  run(ctx: RunContext): Promise<StageOutcome>;
}

/** The held-out test split's rows (label first), which the test and release stages send as traffic. */
export function testSplitRows(ctx: RunContext): number[][] {
  return readFileSync(ctx.world.path(`${ctx.input.data.testUri}test.csv`), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => line.split(",").map(Number));
}
