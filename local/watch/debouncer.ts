/** Reasons for a run, gathered until none came for a while. */
export interface Debouncer {
  /** Records a reason; `flush` gets the reasons gathered once no new one came for the period. */
  (reason: string): void;
  /** The reasons not yet flushed, which will not be. */
  take(): string[];
}

export function debouncer(ms: number, flush: (reasons: string[]) => void): Debouncer {
  const reasons: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const push = (reason: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
    clearTimeout(timer);
    timer = setTimeout(() => flush(reasons.splice(0)), ms);
  };
  const take = () => {
    clearTimeout(timer);
    return reasons.splice(0);
  };
  return Object.assign(push, { take });
}
