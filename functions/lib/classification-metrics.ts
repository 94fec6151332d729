/** Binary-classification metrics on held-out predictions; pure, shared by the cloud and local mode. */

export interface Scored {
  label: number;
  probability: number;
}

export interface ConfusionMatrix {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export interface BinaryMetrics {
  count: number;
  auc: number;
  error: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  logLoss: number;
  threshold: number;
  confusion: ConfusionMatrix;
  roc: { falsePositiveRates: number[]; truePositiveRates: number[] };
}

/** Area under the ROC curve by the rank-sum (Mann-Whitney) statistic; ties count half. */
export function auc(scored: readonly Scored[]): number {
  const positives = scored.filter((s) => s.label === 1).length;
  const negatives = scored.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const sorted = [...scored].sort((a, b) => a.probability - b.probability);
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1].probability === sorted[i].probability) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (sorted[k].label === 1) rankSum += averageRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function confusion(scored: readonly Scored[], threshold: number): ConfusionMatrix {
  const m: ConfusionMatrix = { truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
  for (const { label, probability } of scored) {
    const predicted = probability >= threshold ? 1 : 0;
    if (predicted === 1 && label === 1) m.truePositives++;
    else if (predicted === 1) m.falsePositives++;
    else if (label === 1) m.falseNegatives++;
    else m.trueNegatives++;
  }
  return m;
}

/** ROC points from the highest threshold down, at most `points` of them. */
export function rocCurve(scored: readonly Scored[], points = 101) {
  const positives = scored.filter((s) => s.label === 1).length || 1;
  const negatives = scored.length - positives || 1;
  const thresholds = [...new Set(scored.map((s) => s.probability))].sort((a, b) => b - a);
  const step = Math.max(1, Math.ceil(thresholds.length / (points - 2)));
  const chosen = [
    Number.POSITIVE_INFINITY,
    ...thresholds.filter((_, i) => i % step === 0),
    Number.NEGATIVE_INFINITY,
  ];
  const falsePositiveRates: number[] = [];
  const truePositiveRates: number[] = [];
  for (const t of chosen) {
    const m = confusion(scored, t);
    falsePositiveRates.push(m.falsePositives / negatives);
    truePositiveRates.push(m.truePositives / positives);
  }
  return { falsePositiveRates, truePositiveRates };
}

export function binaryMetrics(scored: readonly Scored[], threshold = 0.5): BinaryMetrics {
  if (scored.length === 0) throw new Error("no predictions to evaluate");
  const m = confusion(scored, threshold);
  const correct = m.truePositives + m.trueNegatives;
  const precision =
    m.truePositives + m.falsePositives ? m.truePositives / (m.truePositives + m.falsePositives) : 0;
  const recall =
    m.truePositives + m.falseNegatives ? m.truePositives / (m.truePositives + m.falseNegatives) : 0;
  const eps = 1e-15;
  const logLoss =
    -scored.reduce((sum, { label, probability }) => {
      const p = Math.min(Math.max(probability, eps), 1 - eps);
      return sum + (label === 1 ? Math.log(p) : Math.log(1 - p));
    }, 0) / scored.length;
  return {
    count: scored.length,
    auc: auc(scored),
    error: 1 - correct / scored.length,
    accuracy: correct / scored.length,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    logLoss,
    threshold,
    confusion: m,
    roc: rocCurve(scored),
  };
}

/** The metrics in SageMaker Model Monitor's model-quality format, as the model registry shows them. */
export function modelQualityReport(metrics: BinaryMetrics) {
  const value = (v: number) => ({ value: v, standard_deviation: "NaN" });
  const c = metrics.confusion;
  return {
    version: 0.0,
    binary_classification_metrics: {
      confusion_matrix: {
        "0": { "0": c.trueNegatives, "1": c.falsePositives },
        "1": { "0": c.falseNegatives, "1": c.truePositives },
      },
      recall: value(metrics.recall),
      precision: value(metrics.precision),
      accuracy: value(metrics.accuracy),
      f1: value(metrics.f1),
      auc: value(metrics.auc),
      receiver_operating_characteristic_curve: {
        false_positive_rates: metrics.roc.falsePositiveRates,
        true_positive_rates: metrics.roc.truePositiveRates,
      },
    },
  };
}

/** Parses joined batch-transform output lines: `label,probability`. */
export function parsePredictions(text: string, source: string): Scored[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      const parts = line.replace(/^"|"$/g, "").split(",");
      const label = Number(parts[0]);
      const probability = Number(parts[parts.length - 1]);
      if (parts.length < 2 || !(label === 0 || label === 1) || !Number.isFinite(probability)) {
        throw new Error(
          `${source} line ${i + 1}: expected "label,probability", got ${JSON.stringify(line.slice(0, 80))}`,
        );
      }
      return { label, probability };
    });
}
