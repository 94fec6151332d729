/**
 * Runs one at a time, never dropping a request: a request during a run is kept, and any number of
 * requests during that run start exactly one more run after it (they all see the newest state).
 */
export interface QueuedRun<T> {
  /** Why the run starts (the changed paths, or drift). */
  reasons: string[];
  /** What the run is asked to do; later requests replace earlier ones of the same kind. */
  request: T;
}

export class RunQueue<T> {
  private running = false;
  private next: QueuedRun<T> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly execute: (run: QueuedRun<T>) => Promise<void>) {}

  /** Asks for a run; merges with a run already waiting. */
  request(
    reason: string,
    request: T,
    merge: (waiting: T, incoming: T) => T = (_, incoming) => incoming,
  ): void {
    this.next = this.next
      ? { reasons: [...this.next.reasons, reason], request: merge(this.next.request, request) }
      : { reasons: [reason], request };
    if (!this.running) void this.drain();
  }

  get busy(): boolean {
    return this.running;
  }

  /** Resolves when no run is going and none waits. */
  idle(): Promise<void> {
    return this.running || this.next ? new Promise((done) => this.idleWaiters.push(done)) : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.next) {
      const run = this.next;
      this.next = undefined;
      await this.execute(run);
    }
    this.running = false;
    this.idleWaiters.splice(0).forEach((done) => done());
  }
}
