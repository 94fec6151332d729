import { readFileSync } from "node:fs";
import type { MlPipelineConfig } from "../../config/ml-config";
import { postJson } from "../aws/http-client";
import { capturedRows, checkDrift } from "../aws/model-monitor";
import { testSplitRows, type Stage } from "../run/context";

/** Shifts the usage features of a row, as if customers' behaviour changed; for --simulate-drift. */
function skew(features: number[], config: MlPipelineConfig): number[] {
  const numeric = config.data.features.filter((f) => typeof f === "string").length;
  return features.map((v, i) => (i < numeric && i % 2 === 0 ? v * 1.6 + 10 : v));
}

/** Model Monitor's data-quality check: traffic captured at the prod endpoint against data prep's baseline. */
export const monitoring: Stage = {
  name: "monitoring",
  async run(ctx) {
    const { config, world, input, result } = ctx;
    const prod = config.endpoints.prod.name;
    const api = ctx.prodApi!;
    const traffic = testSplitRows(ctx)
      .map((row) => row.slice(1))
      .map((features) => (ctx.options.simulateDrift ? skew(features, config) : features));
    for (let i = 0; i < traffic.length; i += 10) {
      await postJson(api, { instances: traffic.slice(i, i + 10) });
    }
    const statistics = JSON.parse(readFileSync(world.path(input.data.statisticsUri), "utf8"));
    const constraints = JSON.parse(readFileSync(world.path(input.data.constraintsUri), "utf8"));
    result.drift = checkDrift(
      statistics,
      constraints,
      capturedRows(world.path(world.uri(`capture/${prod}/`))),
    );
    world.write(
      world.uri(`monitoring/${prod}/constraint_violations.json`),
      JSON.stringify({ violations: result.drift.violations }, null, 2),
    );
    result.outcome = "released";
    result.exitCode = 0;
    result.message = `Released model version ${result.modelPackage!.version} to ${prod}.`;
    return "continue";
  },
};
