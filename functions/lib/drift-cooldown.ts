import type { RetrainingConfig } from "../../config/retraining";

/**
 * Whether drift may start another run: not within the cooldown of the last drift run and not past
 * the daily cap. Shared by the cloud's drift trigger and local mode's watch loop.
 */
export type DriftDecision = { allowed: true } | { allowed: false; reason: string };

const HOUR = 3600 * 1000;

export function driftDecision(
  previousRuns: readonly Date[],
  now: Date,
  settings: Pick<RetrainingConfig, "onDrift" | "cooldownHours" | "maxRunsPerDay">,
): DriftDecision {
  if (!settings.onDrift) return { allowed: false, reason: "retraining.onDrift is off" };
  const past = previousRuns.filter((at) => at.getTime() <= now.getTime());
  const last = past.reduce<Date | undefined>(
    (latest, at) => (!latest || at > latest ? at : latest),
    undefined,
  );
  if (last && now.getTime() - last.getTime() < settings.cooldownHours * HOUR) {
    const next = new Date(last.getTime() + settings.cooldownHours * HOUR);
    return {
      allowed: false,
      reason: `cooldown: the last drift run started at ${last.toISOString()}; the next may start after ${next.toISOString()} (retraining.cooldownHours ${settings.cooldownHours})`,
    };
  }
  const today = past.filter((at) => now.getTime() - at.getTime() < 24 * HOUR).length;
  if (today >= settings.maxRunsPerDay)
    return {
      allowed: false,
      reason: `daily cap: ${today} drift runs in the last 24 hours (retraining.maxRunsPerDay ${settings.maxRunsPerDay})`,
    };
  return { allowed: true };
}

/** The drift runs to remember: those that still count toward the cooldown or the daily cap. */
export function recentRuns(previousRuns: readonly Date[], now: Date, cooldownHours: number): Date[] {
  const keep = Math.max(24, cooldownHours) * HOUR;
  return previousRuns.filter((at) => now.getTime() - at.getTime() < keep);
}
