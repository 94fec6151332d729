import { Agent, request } from "node:http";
import type { SuiteFetch } from "../../functions/test-suite";

/**
 * Local callers of the local API (canary and monitoring traffic, the bench): node:http with
 * keep-alive. fetch (undici) costs several times more CPU per request in a process that has just
 * started, which a run's few hundred requests are all spent in.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** The answer to one POST: its status and body. */
export interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs `body` to `url` with `headers` over a kept-alive connection. A server closes an idle
 * connection after its keep-alive timeout; a request that went out on such a connection as it closed
 * fails with ECONNRESET before the server read it, and is sent once more on a fresh one (the retry
 * Node's http.Agent documentation gives for `request.reusedSocket`).
 */
export function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return send(url, headers, body).catch((error: NodeJS.ErrnoException & { reused?: boolean }) => {
    if (error.reused && error.code === "ECONNRESET") return send(url, headers, body);
    throw error;
  });
}

function send(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const sent = request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        response.on("end", () => done({ status: response.statusCode ?? 0, text }));
        response.on("error", fail);
      },
    );
    sent.on("error", (error) => fail(Object.assign(error, { reused: sent.reusedSocket }))).end(body);
  });
}

/** A JSON body to a stage of the local API, with its API key. */
export function postJson(api: { url: string; apiKey: string }, payload: unknown): Promise<Answer> {
  return post(
    api.url,
    { "x-api-key": api.apiKey, "content-type": "application/json" },
    JSON.stringify(payload),
  );
}

/** The test suite's requests (functions/test-suite.ts) over the same client. */
export const suiteFetch: SuiteFetch = async (url, init) => {
  const { status, text } = await post(url, init.headers, init.body);
  return { status, text: async () => text };
};
