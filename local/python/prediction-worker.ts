import { rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PYTHON_DIR } from "./python";
import { pythonJobs } from "./jobs";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The worker's process name (`ps -o comm`): forked from the job server, it keeps the server's command line. */
export const PREDICTION_WORKER_NAME = "mlops-predict";

let sockets = 0;

/**
 * A long-lived Python process holding loaded models; requests are answered in order over a socket.
 * It is forked from the run's job server, whose XGBoost is already imported (no import before every
 * endpoint's first model), and its answers come straight back over a Unix socket of its own.
 */
export class PredictionWorker {
  private readonly channel: Promise<Socket>;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private exited?: string;
  /** Settles when the job server has answered for the worker: it has exited. */
  private ended: Promise<unknown> = Promise.resolve();

  constructor() {
    this.channel = this.start();
    this.channel.catch((error: Error) => this.fail(error.message));
  }

  private async start(): Promise<Socket> {
    const server = await pythonJobs();
    const path = join(tmpdir(), `mlops-predict-${process.pid}-${++sockets}.sock`);
    rmSync(path, { force: true });
    const listener = createServer();
    const connected = new Promise<Socket>((resolve) => listener.once("connection", resolve));
    await new Promise<void>((resolve, reject) => listener.listen(path, resolve).once("error", reject));
    const ended = server.run(join(PYTHON_DIR, "worker.py"), [], {
      connect: path,
      name: PREDICTION_WORKER_NAME,
    });
    this.ended = ended.catch(() => undefined);
    ended.then(
      (end) => this.fail(`prediction worker exited (${end.signal ?? end.code})${lastLine(end.stderr)}`),
      (error: Error) => this.fail(`prediction worker exited: ${error.message}`),
    );
    // One connection per worker: the listener and its file go as soon as the worker is on the line.
    const socket = await Promise.race([
      connected,
      ended.then(() => Promise.reject(new Error(this.exited))),
    ]).finally(() => {
      listener.close();
      rmSync(path, { force: true });
    });
    // A write after the worker died (Ctrl-C reaches it first) fails here; its end is reported by the
    // job server's answer. readline re-emits the socket's errors: handled there, ignored here.
    socket.on("error", (error) => this.fail(`prediction worker connection failed: ${error.message}`));
    createInterface({ input: socket })
      .on("line", (line) => this.answer(line))
      .on("error", () => undefined);
    return socket;
  }

  private answer(line: string): void {
    const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if (answer.ok) waiting.resolve(answer.result);
    else waiting.reject(new Error(answer.error));
  }

  private fail(message: string): void {
    this.exited ??= message;
    for (const waiting of this.pending.values()) waiting.reject(new Error(this.exited));
    this.pending.clear();
  }

  private async request<T>(body: Record<string, unknown>): Promise<T> {
    const socket = await this.channel;
    if (this.exited) throw new Error(this.exited);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  load(name: string, artifact: string): Promise<{ features: number }> {
    return this.request({ op: "load", name, artifact });
  }

  /** One probability per row, as text (`\n`-separated), exactly as the model computed them. */
  predict(name: string, csv: string): Promise<string> {
    return this.request({ op: "predict", name, csv });
  }

  /** Predict requests answered so far, and the XGBoost calls that scored them (requests that arrive together share one). */
  stats(): Promise<{ requests: number; calls: number }> {
    return this.request({ op: "stats" });
  }

  /**
   * Ends the worker: its input closes and it exits. Resolves once it has (the job server is then idle
   * and can serve the next run), or after `waitMs`; the job server's own stop ends it in any case.
   */
  async stop(waitMs = 2000): Promise<void> {
    this.fail("the prediction worker was stopped");
    const socket = await this.channel.catch(() => undefined);
    socket?.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((done) => (timer = setTimeout(done, waitMs).unref()));
    await Promise.race([this.ended, late]).finally(() => clearTimeout(timer));
  }
}

const lastLine = (stderr: string) => {
  const line = stderr.trim().split("\n").pop();
  return line ? `: ${line}` : "";
};
