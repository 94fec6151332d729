import type { RunInput } from "../../functions/lib/run-input";
import type { SuiteReport } from "../../functions/test-suite";
import type { TuningRecord } from "../adapters";
import type { Deployment } from "../aws/deployment";
import type { DriftReport } from "../aws/model-monitor";
import type { CanaryReport } from "../release/canary";
import type { ModelPackage } from "../aws/state";

/** What a local run is given, what it returns, and the errors that end it before it starts. */

export type Approval = "approve" | "reject" | "ask";

/** The exit code of a process a signal ended: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
};

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
  /** What started the run: `local` (a terminal, a code change), `data` (a changed data set), `drift`. */
  trigger?: { source: "local" | "data" | "drift"; alarm?: string };
  log: (line: string) => void;
  /**
   * Changes the deployed stacks before the run uses them, as a different program would have
   * deployed them: the tests plant a narrower role policy this way and see the call it breaks.
   */
  changeDeployment?: (deployment: Deployment) => Deployment;
  /**
   * Whether whoever started the run is still there (the CLI: its parent process). Asked before
   * each stage; a run whose supervisor is gone stops before anything irreversible.
   */
  supervised?: () => boolean;
  /** How long to wait for another run that holds the runs folder, in seconds (run-lock.ts). */
  lockWaitSeconds?: number;
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
  /** Its test-split metrics, from its model-quality report, for the comparison with the candidate. */
  previousChampionQuality?: ModelQuality;
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
  /** The staged data set (`data.rawUri` of the run input, which result.json does not keep). */
  dataUri?: string;
  /** The model package group the run registers in. */
  modelGroup?: string;
  endpoints: { test?: string; prod?: string };
  failedState?: string;
  /** The state machine's Task states that ran, in order (a drift run counts once `Train` or `Tune` ran). */
  tasks?: string[];
  /** Calls AWS would refuse that the run made (IAM denials), with AWS's message, in order. */
  refusals?: string[];
}

// Its own module, so the state files (which local AWS reads) need none of the run's types.
export { LocalUsageError } from "./usage-error";

/** A model's quality as its model-quality report states it, at the gate's 0.5 threshold. */
export interface ModelQuality {
  auc: number;
  /** Share misclassified at the 0.5 threshold (1 − accuracy), as the gate reads it. */
  error: number;
  precision: number;
  recall: number;
  f1: number;
  /** Counts by actual class, then predicted class. */
  confusion: Record<"0" | "1", Record<"0" | "1", number>>;
  roc: { fpr: number[]; tpr: number[] };
}
