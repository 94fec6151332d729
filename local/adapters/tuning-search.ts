import type { ParameterRange } from "../../functions/lib/run-input";

/**
 * The local tuning job's search: a deterministic, evenly spread sequence of points in the configured
 * ranges (a Halton sequence, started at the seed), so a search repeats exactly and covers the space
 * with few trials. The cloud's Bayesian search explores the same ranges for the same objective.
 */

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/** The index-th element of the van der Corput sequence in a base: a number in (0, 1). */
function radicalInverse(index: number, base: number): number {
  let result = 0;
  let fraction = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    result += (i % base) * fraction;
    fraction /= base;
  }
  return result;
}

/** A point in [0, 1) mapped into a range, on its scale; integer ranges include both bounds. */
function scaled(unit: number, range: ParameterRange, integer: boolean): string {
  const [min, max] = [Number(range.MinValue), Number(range.MaxValue)];
  if (integer) return String(Math.min(max, Math.floor(min + unit * (max - min + 1))));
  const value =
    range.ScalingType === "Logarithmic"
      ? Math.exp(Math.log(min) + unit * (Math.log(max) - Math.log(min)))
      : min + unit * (max - min);
  return String(Number(value.toPrecision(6)));
}

export interface SearchSpace {
  IntegerParameterRanges: ParameterRange[];
  ContinuousParameterRanges: ParameterRange[];
}

/** The hyperparameters of trials 1..count, each a name → value map (SageMaker's strings). */
export function searchPoints(space: SearchSpace, count: number, seed: number): Record<string, string>[] {
  const ranges = [
    ...space.IntegerParameterRanges.map((range) => ({ range, integer: true })),
    ...space.ContinuousParameterRanges.map((range) => ({ range, integer: false })),
  ];
  if (ranges.length > PRIMES.length)
    throw new Error(`the local search handles at most ${PRIMES.length} ranges, got ${ranges.length}`);
  return Array.from({ length: count }, (_, trial) =>
    Object.fromEntries(
      ranges.map(({ range, integer }, dimension) => [
        range.Name,
        scaled(radicalInverse(seed + trial + 1, PRIMES[dimension]), range, integer),
      ]),
    ),
  );
}
