import { describeReport, runSuite, type KnownCase } from "../../functions/test-suite";
import { suiteFetch } from "../aws/http-client";
import { testSplitRows, type Stage } from "../run/context";

/** The local machine's latency budget for the suite (the cloud's comes from mlops:testSuite). */
const LATENCY_BUDGET_MS = 250;

/** The Test stage: the test runner's own suite against the test API and the test endpoint. */
export const testStage: Stage = {
  name: "test",
  async run(ctx) {
    // The test stack's microservice, with its settings and role.
    const api = ctx.api!.addStage("test", "mlops-microservice");
    const cases: KnownCase[] = testSplitRows(ctx)
      .slice(0, 20)
      .map((row, i) => ({
        name: `test-split row ${i + 1}`,
        expectedClass: row[0] === 1 ? 1 : 0,
        features: row.slice(1),
      }));
    // The known rows may miss as often as the gate lets the model err, with slack for a 20-row sample.
    const minAccuracy = Math.max(0, 1 - ctx.config.gate.maxTestError - 0.1);
    const report = await runSuite({
      url: api.url,
      apiKey: api.apiKey,
      cases,
      latencyBudgetMs: LATENCY_BUDGET_MS,
      minAccuracy,
      fetchImpl: suiteFetch,
    });
    ctx.result.testReport = report;
    if (report.passed) return "continue";
    ctx.result.failedState = "Test";
    ctx.result.message = `The test stage failed; production is untouched.\n${describeReport(report)}`;
    return "stop";
  },
};
