/**
 * setTimeout and clearTimeout on a virtual clock, so that code waiting minutes or hours (a Task's
 * time limit, the state machine library's own timers, a stand-in job's run time) runs in
 * milliseconds of real time. Only timers are virtual: I/O and setImmediate stay real.
 */
export class VirtualClock {
  /** Milliseconds since the clock was installed. */
  now = 0;
  private readonly timers = new Map<number, { at: number; order: number; fire: () => void }>();
  private next = 1;
  private readonly real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

  install(): this {
    const schedule = (fire: (...args: unknown[]) => void, ms = 0, ...args: unknown[]) => {
      const id = this.next++;
      this.timers.set(id, { at: this.now + Math.max(0, ms), order: id, fire: () => fire(...args) });
      const handle = {
        ref: () => handle,
        unref: () => handle,
        hasRef: () => true,
        [Symbol.toPrimitive]: () => id,
      };
      return handle;
    };
    globalThis.setTimeout = schedule as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((handle?: unknown) => {
      if (handle !== undefined && handle !== null) this.timers.delete(Number(handle));
    }) as typeof clearTimeout;
    return this;
  }

  uninstall(): void {
    globalThis.setTimeout = this.real.setTimeout;
    globalThis.clearTimeout = this.real.clearTimeout;
    this.timers.clear();
  }

  /**
   * Settles `work`, moving the clock to each next timer whenever nothing else is left to run, and
   * says how much virtual time it took. Fails if `work` waits on nothing the clock can fire.
   */
  async run<T>(work: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
    const started = this.now;
    let settled: { value: T } | { error: unknown } | undefined;
    work.then(
      (value) => (settled = { value }),
      (error: unknown) => (settled = { error }),
    );
    for (;;) {
      // Everything the last timer started (promise chains, synchronous I/O) runs before the next.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      const due = [...this.timers.entries()].sort(([, a], [, b]) => a.at - b.at || a.order - b.order)[0];
      if (!due) throw new Error("the work waits on something other than a timer");
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fire();
    }
    if ("error" in settled) throw settled.error;
    return { value: settled.value, elapsedMs: this.now - started };
  }
}
