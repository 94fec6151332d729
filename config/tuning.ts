import { z } from "zod";
import { hyperparameterProblem } from "./xgboost-hyperparameters";

/**
 * Hyperparameter tuning of the built-in XGBoost algorithm: which hyperparameters can be tuned (and
 * whether SageMaker takes them as integer or continuous ranges) and which metrics a tuning job can
 * optimise, from https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost-tuning.html.
 */
export const TUNABLE_HYPERPARAMETERS = {
  alpha: "continuous",
  colsample_bylevel: "continuous",
  colsample_bynode: "continuous",
  colsample_bytree: "continuous",
  eta: "continuous",
  gamma: "continuous",
  lambda: "continuous",
  max_delta_step: "integer",
  max_depth: "integer",
  min_child_weight: "continuous",
  num_round: "integer",
  subsample: "continuous",
} as const;
export type TunableHyperparameter = keyof typeof TUNABLE_HYPERPARAMETERS;

/** Objective metrics the XGBoost container emits on the validation channel, and their direction. */
export const TUNING_OBJECTIVES = {
  "validation:auc": "Maximize",
  "validation:error": "Minimize",
  "validation:logloss": "Minimize",
} as const;
export type TuningObjective = keyof typeof TUNING_OBJECTIVES;

/** The scalings SageMaker offers for a range (HyperParameterScalingType). */
const SCALINGS = ["Auto", "Linear", "Logarithmic"] as const;

/** Built at call time, like the config schema it belongs to (see buildMlPipelineConfigSchema). */
export function tuningSchema() {
  const range = z.strictObject({
    min: z.number().describe("the lowest value tried"),
    max: z.number().describe("the highest value tried"),
    scaling: z
      .enum(SCALINGS, `must be one of ${SCALINGS.join(", ")}`)
      .default("Auto")
      .describe("how values are spread between min and max (Logarithmic needs min above 0)"),
  });
  const names = Object.keys(TUNABLE_HYPERPARAMETERS) as [TunableHyperparameter, ...TunableHyperparameter[]];
  const objectives = Object.keys(TUNING_OBJECTIVES) as [TuningObjective, ...TuningObjective[]];
  return z
    .strictObject({
      objectiveMetric: z
        .enum(objectives, `must be one of ${objectives.join(", ")}`)
        .describe("the validation metric the search optimises (eval_metric must compute it)"),
      maxJobs: z
        .number()
        .int()
        .min(1, "must be at least 1")
        .max(500, "must be at most 500 (SageMaker's per-tuning-job limit)")
        .describe("training jobs the search runs in all"),
      maxParallelJobs: z
        .number()
        .int()
        .min(1, "must be at least 1")
        .max(100, "must be at most 100")
        .describe("training jobs that run at the same time"),
      ranges: z
        .record(z.string(), range)
        .refine((ranges) => Object.keys(ranges).length > 0, "give at least one range to search")
        .describe("the hyperparameters searched, each with its range; the rest stay as configured"),
      seed: z
        .number()
        .int()
        .min(0, "must be a whole number of at least 0")
        .describe("seeds the local search and XGBoost's own randomness, so a search can be repeated"),
    })
    .superRefine((tuning, ctx) => {
      if (tuning.maxParallelJobs > tuning.maxJobs)
        ctx.addIssue({
          code: "custom",
          path: ["maxParallelJobs"],
          message: `must be at most maxJobs (${tuning.maxJobs})`,
        });
      for (const [name, range] of Object.entries(tuning.ranges)) {
        const where = ["ranges", name];
        if (!(name in TUNABLE_HYPERPARAMETERS)) {
          ctx.addIssue({
            code: "custom",
            path: where,
            message: `${name} is not a tunable XGBoost hyperparameter; tunable: ${names.join(", ")}`,
          });
          continue;
        }
        if (!(range.min < range.max))
          ctx.addIssue({
            code: "custom",
            path: where,
            message: `min (${range.min}) must be below max (${range.max})`,
          });
        if (range.scaling === "Logarithmic" && range.min <= 0)
          ctx.addIssue({
            code: "custom",
            path: [...where, "min"],
            message: "must be above 0 for Logarithmic scaling",
          });
        for (const bound of ["min", "max"] as const) {
          const problem = hyperparameterProblem(name, range[bound]);
          if (problem)
            ctx.addIssue({ code: "custom", path: [...where, bound], message: `${name} ${problem}` });
        }
        const integer = TUNABLE_HYPERPARAMETERS[name as TunableHyperparameter] === "integer";
        if (integer && !(Number.isInteger(range.min) && Number.isInteger(range.max)))
          ctx.addIssue({
            code: "custom",
            path: where,
            message: `${name} is an integer hyperparameter: min and max must be whole numbers`,
          });
      }
    });
}

export type TuningConfig = z.infer<ReturnType<typeof tuningSchema>>;
