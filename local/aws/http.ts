import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { trackServer } from "../python/lifecycle";

/**
 * The local servers' HTTP layer. A client can never take a server down: each request's handler
 * runs inside a catch that answers (or drops the socket when the answer already started), broken
 * requests are closed at the parser, bodies are bounded in size and in time.
 */

/** A request that cannot be served as sent; its status and message go back to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface BodyLimits {
  /** Bytes a body may have (413 beyond). */
  maxBytes: number;
  /** Milliseconds a body may take to arrive (408 beyond). */
  timeoutMs: number;
}

/** Generous for predictions (100 rows) and the handlers' own S3 objects; a run's objects are small. */
export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 64 * 1024 * 1024, timeoutMs: 10_000 };

/** How long a connection stays open after its answer, taking in a body the server will not read. */
const LINGER_MS = 5000;

/**
 * Ends an answer sent before its request's body was read (a body over the limit): the rest of the
 * body is read and dropped first, for at most LINGER_MS, as nginx's lingering close does. A socket
 * closed with unread data is reset by the kernel, and a client still sending its body gets EPIPE or
 * ECONNRESET instead of the answer waiting for it.
 */
function endAfterBody(request: IncomingMessage, response: ServerResponse, status: number): void {
  // A 408's body stopped arriving: nothing is left to wait for.
  if (request.complete || status === 408) {
    response.end();
    return;
  }
  const end = () => {
    clearTimeout(timer);
    request.off("end", end).off("close", end).off("error", end);
    response.end();
  };
  const timer = setTimeout(end, LINGER_MS).unref();
  request.on("end", end).on("close", end).on("error", end).resume();
}

function answerFailure(request: IncomingMessage, response: ServerResponse, error: unknown): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const status = error instanceof HttpError ? error.status : 500;
  const body = JSON.stringify({ message: error instanceof HttpError ? error.message : "internal error" });
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  // The whole answer goes out now: its length tells the client it is complete.
  response.write(body);
  endAfterBody(request, response, status);
}

/** Starts a server on a free loopback port (never another interface) and returns its base URL. */
/** A request handler that may be async: `listen` answers a failure it rejects with. */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = trackServer(
    createServer((request, response) => {
      Promise.resolve()
        .then(() => handler(request, response))
        .catch((error: unknown) => answerFailure(request, response, error));
    }),
  );
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // A malformed request (bad chunk framing, a garbled header) closes that socket, nothing else.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

/** The request's body, or an HttpError: 413 when too large, 408 when too slow, 400 when cut off. */
export function readBody(
  request: IncomingMessage,
  limits: BodyLimits = DEFAULT_BODY_LIMITS,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: HttpError) => {
      clearTimeout(timer);
      request.removeAllListeners("data");
      request.resume();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new HttpError(408, `the request body did not arrive within ${limits.timeoutMs / 1000} s`)),
      limits.timeoutMs,
    );
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > limits.maxBytes) return fail(tooLarge(limits));
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return fail(tooLarge(limits));
      chunks.push(chunk);
    });
    request.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    request.on("aborted", () =>
      fail(new HttpError(400, "the client closed the connection before the body ended")),
    );
    request.on("error", () => fail(new HttpError(400, "the request body could not be read")));
  });
}

const tooLarge = (limits: BodyLimits) =>
  new HttpError(413, `the request body is larger than ${limits.maxBytes} bytes`);
