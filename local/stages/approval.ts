import type { RunContext, Stage } from "../run-context";

async function decide(ctx: RunContext): Promise<"approve" | "reject" | "stop"> {
  const { approval, prompt } = ctx.options;
  if (approval !== "ask") return approval;
  if (!prompt) return "stop";
  return (await prompt(`Release model ${ctx.result.modelPackage?.arn} to production? [y/N] `))
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
