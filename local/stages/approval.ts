import { dataSetOf } from "../run/lineage";
import { comparisonLines, sidesOf } from "../release/champion";
import { stillRunning, type RunContext, type Stage } from "../run/context";

/**
 * What the approver sees before deciding, as the cloud's approval email links it: the candidate
 * beside the champion, the data set, the gate's verdict and the tests' result.
 */
function decisionBrief(ctx: RunContext): string[] {
  const { result } = ctx;
  const { candidate, champion } = sidesOf(result);
  return [
    `Release decision for model version ${result.modelPackage?.version}:`,
    ...comparisonLines(candidate, champion),
    `  data set      ${dataSetOf(result).uri}`,
    `  gate          ${result.gateSummary ?? "–"}`,
    `  tests         ${result.testReport?.summary ?? "not run"}`,
  ];
}

async function decide(ctx: RunContext): Promise<"approve" | "reject" | "stop"> {
  const { approval, prompt } = ctx.options;
  for (const line of decisionBrief(ctx)) ctx.log(line);
  if (approval !== "ask") return approval;
  if (!prompt) return "stop";
  return (await prompt(`Release model version ${ctx.result.modelPackage?.version} to production? [y/N] `))
    ? "approve"
    : "reject";
}

/** The manual approval: a flag, or a question at the terminal; without either the run stops here. */
export const approval: Stage = {
  name: "approval",
  async run(ctx) {
    const decision = await decide(ctx);
    const { result, world } = ctx;
    if (decision === "approve") return "continue";
    if (decision === "stop") {
      result.outcome = "awaiting-approval";
      result.exitCode = 0;
      result.message =
        "Stopped after the test stage: approval needs a terminal, or --approve / --reject. Production is untouched.";
      return "stop";
    }
    stillRunning(ctx, "the rejection");
    result.modelPackage = world.setStatus(
      result.modelPackage!.arn,
      "Rejected",
      "rejected at the manual approval",
    );
    result.outcome = "rejected";
    result.exitCode = 0;
    result.message =
      "The release was rejected; the model package is marked Rejected and production is untouched.";
    return "stop";
  },
};
