/**
 * "Did you mean": the known key a mistyped one was meant to be. Only a near miss is suggested (a
 * slip of the keyboard, a swapped pair, different capitals); a wrong guess would send a person to
 * the wrong setting, so a word with nothing close gets no suggestion.
 */

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each count one.
 */
export function editDistance(from: string, to: string): number {
  const rows = Array.from({ length: from.length + 1 }, (_, i) =>
    Array.from({ length: to.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= from.length; i++) {
    for (let j = 1; j <= to.length; j++) {
      const cost = from[i - 1] === to[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && from[i - 1] === to[j - 2] && from[i - 2] === to[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[from.length][to.length];
}

/** How many edits still read as a slip: one in a short word, about one in four in a longer one. */
const tolerance = (word: string) => Math.min(3, Math.max(1, Math.floor(word.length / 4)));

/**
 * The candidate closest to `word` (capitals ignored), when it is within the tolerance; the first
 * of equally close ones.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= tolerance(word) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
