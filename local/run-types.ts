import type { RunInput } from "../functions/lib/run-input";
import type { SuiteReport } from "../functions/test-suite";
import type { TuningRecord } from "./adapters";
import type { Deployment } from "./aws/deployment";
import type { DriftReport } from "./monitor";
import type { CanaryReport } from "./release/canary";
import type { ModelPackage } from "./world";

/** What a local run is given, what it returns, and the errors that end it before it starts. */

export type Approval = "approve" | "reject" | "ask";

export interface LocalRunOptions {
  dataPath: string;
  configPath: string;
  approval: Approval;
  /** Asks the person at the terminal; only used when approval is "ask" and stdin is a terminal. */
  prompt?: (question: string) => Promise<boolean>;
  /** Where run directories and the shared model registry live. */
  runsRoot: string;
  /** Skews monitoring traffic, to see what a drift violation looks like. */
  simulateDrift?: boolean;
  /** Makes the new model fail or slow down in its canary, to see (and test) a rollback. */
  simulateCanaryFault?: "errors" | "latency";
  /** What started the run; a terminal run is `local`, watch mode's drift run is `drift`. */
  trigger?: { source: "local" | "drift"; alarm?: string };
  log: (line: string) => void;
  /**
   * Changes the deployed stacks before the run uses them, as a different program would have
   * deployed them: the tests plant a narrower role policy this way and see the call it breaks.
   */
  changeDeployment?: (deployment: Deployment) => Deployment;
}

export interface StageTiming {
  stage: string;
  seconds: number;
}

export interface LocalRunResult {
  outcome: "released" | "rolled-back" | "rejected" | "awaiting-approval" | "failed" | "interrupted";
  exitCode: number;
  runDir: string;
  runId?: string;
  message: string;
  timings: StageTiming[];
  input?: RunInput;
  dataReport?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  gateSummary?: string;
  modelPackage?: ModelPackage;
  /** The model production served before this run (the champion the canary was judged beside). */
  previousChampion?: ModelPackage;
  testReport?: SuiteReport;
  canary?: CanaryReport;
  drift?: DriftReport;
  featureImportance?: { feature: string; gain: number }[];
  /** The hyperparameter search, when the config asks for one: every trial and the winner. */
  tuning?: TuningRecord;
  commit: { id: string; dirty: boolean };
  /** When the run started (ISO 8601), what started it and the data set it trained on (run history). */
  startedAt: string;
  trigger: { source: string; alarm?: string };
  dataPath: string;
  endpoints: { test?: string; prod?: string };
  failedState?: string;
  /** Calls AWS would refuse that the run made (IAM denials), with AWS's message, in order. */
  refusals?: string[];
}

/** A failure with a clear message (bad input, missing tools); exit code 2. */
export class LocalUsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalUsageError";
  }
}
