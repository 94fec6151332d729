import { strict as assert } from "node:assert";
import {
  auc,
  binaryMetrics,
  confusion,
  modelQualityReport,
  parsePredictions,
} from "../../functions/lib/classification-metrics";

const s = (label: number, probability: number) => ({ label, probability });

describe("binary metrics", () => {
  it("AUC is 1 for a perfect ranking, 0 for an inverted one, 0.5 for ties", () => {
    assert.equal(auc([s(0, 0.1), s(0, 0.2), s(1, 0.8), s(1, 0.9)]), 1);
    assert.equal(auc([s(1, 0.1), s(0, 0.9)]), 0);
    assert.equal(auc([s(1, 0.5), s(0, 0.5)]), 0.5);
  });

  it("AUC matches the pairwise definition on a mixed case", () => {
    const scored = [s(1, 0.9), s(0, 0.8), s(1, 0.7), s(0, 0.6), s(1, 0.55), s(0, 0.2), s(0, 0.7)];
    let wins = 0;
    let pairs = 0;
    for (const p of scored.filter((x) => x.label === 1))
      for (const n of scored.filter((x) => x.label === 0)) {
        pairs++;
        wins += p.probability > n.probability ? 1 : p.probability === n.probability ? 0.5 : 0;
      }
    assert.equal(auc(scored), wins / pairs);
  });

  it("AUC is NaN when one class is missing", () => {
    assert.ok(Number.isNaN(auc([s(1, 0.2), s(1, 0.3)])));
  });

  it("confusion matrix, error, precision and recall at the 0.5 threshold", () => {
    const scored = [s(1, 0.9), s(1, 0.4), s(0, 0.6), s(0, 0.1), s(0, 0.2)];
    assert.deepEqual(confusion(scored, 0.5), {
      truePositives: 1,
      falsePositives: 1,
      trueNegatives: 2,
      falseNegatives: 1,
    });
    const m = binaryMetrics(scored);
    assert.equal(m.error, 0.4);
    assert.equal(m.precision, 0.5);
    assert.equal(m.recall, 0.5);
    assert.equal(m.roc.falsePositiveRates[0], 0);
    assert.equal(m.roc.truePositiveRates.at(-1), 1);
    const report = modelQualityReport(m);
    assert.deepEqual(report.binary_classification_metrics.confusion_matrix, {
      "0": { "0": 2, "1": 1 },
      "1": { "0": 1, "1": 1 },
    });
  });

  it("parses joined batch-transform output and names a bad line", () => {
    assert.deepEqual(parsePredictions("1,0.93\n0,0.12\n\n", "p.out"), [s(1, 0.93), s(0, 0.12)]);
    assert.throws(
      () => parsePredictions("1,0.9\nx,0.2\n", "p.out"),
      /p\.out line 2: expected "label,probability"/,
    );
    assert.throws(() => binaryMetrics([]), /no predictions/);
  });
});
