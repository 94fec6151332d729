import { z } from "zod";

/**
 * Retraining when production's data drifts: the data-quality alarm starts a run (trigger `drift`),
 * at most once per cooldown and a bounded number of times a day. Cloud and local mode read the same
 * settings.
 */
export function retrainingSchema() {
  return z
    .strictObject({
      onDrift: z.boolean().describe("start a run when production's data-quality alarm fires"),
      cooldownHours: z
        .number()
        .min(0, "must be 0 or more hours")
        .max(168, "must be at most 168 hours (a week)")
        .describe("no second drift run starts within this many hours of the last"),
      maxRunsPerDay: z
        .number()
        .int()
        .min(1, "must be at least 1")
        .max(24, "must be at most 24")
        .describe("drift runs allowed in any 24 hours"),
    })
    .default({ onDrift: true, cooldownHours: 6, maxRunsPerDay: 2 })
    .describe("retraining triggered by drift in production");
}

export type RetrainingConfig = z.infer<ReturnType<typeof retrainingSchema>>;
