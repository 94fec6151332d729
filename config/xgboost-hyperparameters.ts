/**
 * The hyperparameters of SageMaker's XGBoost 1.7 algorithm, with their types and ranges, from
 * https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost_hyperparameters.html and XGBoost 1.7's
 * parameter reference (https://xgboost.readthedocs.io/en/release_1.7.0/parameter.html). A config is
 * checked against it before any work starts: a typo or an out-of-range value is named at once, not
 * after data prep and a failed training job.
 */

type Rule =
  | {
      kind: "number";
      min?: number;
      max?: number;
      minExclusive?: boolean;
      maxExclusive?: boolean;
      integer?: boolean;
    }
  | { kind: "choice"; values: readonly string[] }
  | { kind: "text" };

const share = (options: { zeroAllowed?: boolean } = {}): Rule => ({
  kind: "number",
  min: 0,
  max: 1,
  minExclusive: !options.zeroAllowed,
});
const atLeast = (min: number, integer = false): Rule => ({ kind: "number", min, integer });
const flag: Rule = { kind: "choice", values: ["0", "1"] };
const bool: Rule = { kind: "choice", values: ["true", "false"] };

export const XGBOOST_HYPERPARAMETERS: Record<string, Rule> = {
  num_round: atLeast(1, true),
  num_class: atLeast(1, true),
  alpha: atLeast(0),
  base_score: { kind: "number" },
  booster: { kind: "choice", values: ["gbtree", "gblinear", "dart"] },
  colsample_bylevel: share(),
  colsample_bynode: share(),
  colsample_bytree: share(),
  csv_weights: flag,
  deterministic_histogram: bool,
  early_stopping_rounds: atLeast(1, true),
  eta: share(),
  eval_metric: { kind: "text" },
  gamma: atLeast(0),
  grow_policy: { kind: "choice", values: ["depthwise", "lossguide"] },
  interaction_constraints: { kind: "text" },
  lambda: atLeast(0),
  lambda_bias: atLeast(0),
  max_bin: atLeast(2, true),
  max_delta_step: atLeast(0),
  max_depth: atLeast(0, true),
  max_leaves: atLeast(0, true),
  min_child_weight: atLeast(0),
  monotone_constraints: { kind: "text" },
  normalize_type: { kind: "choice", values: ["tree", "forest"] },
  nthread: atLeast(1, true),
  objective: { kind: "text" },
  one_drop: flag,
  process_type: { kind: "choice", values: ["default", "update"] },
  rate_drop: share({ zeroAllowed: true }),
  refresh_leaf: flag,
  sample_type: { kind: "choice", values: ["uniform", "weighted"] },
  scale_pos_weight: { kind: "number", min: 0, minExclusive: true },
  seed: { kind: "number", integer: true },
  single_precision_histogram: bool,
  sketch_eps: { kind: "number", min: 0, max: 1, minExclusive: true, maxExclusive: true },
  skip_drop: share({ zeroAllowed: true }),
  subsample: share(),
  tree_method: { kind: "choice", values: ["auto", "exact", "approx", "hist", "gpu_hist"] },
  tweedie_variance_power: { kind: "number", min: 1, max: 2, minExclusive: true, maxExclusive: true },
  updater: { kind: "text" },
  use_dask_gpu_training: bool,
  verbosity: { kind: "number", min: 0, max: 3, integer: true },
};

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The known name closest to an unknown one, when it is close enough to be a typo. */
export function closestHyperparameter(name: string): string | undefined {
  const [best] = Object.keys(XGBOOST_HYPERPARAMETERS)
    .map((known) => ({ known, d: distance(name, known) }))
    .sort((x, y) => x.d - y.d);
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.known : undefined;
}

function rangeText(rule: Extract<Rule, { kind: "number" }>): string {
  const low = rule.min === undefined ? "" : `${rule.minExclusive ? "above" : "at least"} ${rule.min}`;
  const high = rule.max === undefined ? "" : `${rule.maxExclusive ? "below" : "at most"} ${rule.max}`;
  return [rule.integer ? "a whole number" : "a number", [low, high].filter(Boolean).join(" and ")]
    .filter(Boolean)
    .join(" ");
}

/** What is wrong with one hyperparameter, or undefined when XGBoost 1.7 takes it. */
export function hyperparameterProblem(name: string, value: string | number | boolean): string | undefined {
  const rule = XGBOOST_HYPERPARAMETERS[name];
  if (!rule) {
    const close = closestHyperparameter(name);
    return `unknown hyperparameter${close ? `; did you mean \`${close}\`?` : " of XGBoost 1.7"}`;
  }
  const text = String(value);
  if (rule.kind === "choice")
    return rule.values.includes(text) ? undefined : `must be one of ${rule.values.join(", ")}`;
  if (rule.kind === "text") return text.length ? undefined : "cannot be empty";
  const number = typeof value === "number" ? value : text.trim() === "" ? NaN : Number(text);
  const ok =
    Number.isFinite(number) &&
    (!rule.integer || Number.isInteger(number)) &&
    (rule.min === undefined || (rule.minExclusive ? number > rule.min : number >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? number < rule.max : number <= rule.max));
  return ok ? undefined : `must be ${rangeText(rule)}`;
}
