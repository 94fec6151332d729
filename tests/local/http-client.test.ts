import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { post } from "../../local/aws/http-client";

/** A server that drops the second request on each connection unread, as one closing an idle connection does. */
async function droppingServer(): Promise<{ server: Server; url: string; answered: () => number }> {
  let answered = 0;
  const seen = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const count = (seen.get(req.socket) ?? 0) + 1;
    seen.set(req.socket, count);
    if (count === 2) {
      req.socket.destroy();
      return;
    }
    req.resume().on("end", () => {
      answered++;
      res.end("ok");
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    answered: () => answered,
  };
}

describe("local HTTP client (local/aws/http-client.ts)", () => {
  it("sends a request again once when a kept-alive connection was closed under it", async () => {
    const { server, url, answered } = await droppingServer();
    try {
      assert.deepEqual(await post(url, {}, "first"), { status: 200, text: "ok" });
      assert.deepEqual(await post(url, {}, "second"), { status: 200, text: "ok" });
      assert.equal(answered(), 2, "each request answered once");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("a refused connection is an error, not a retry loop", async () => {
    const { server, url } = await droppingServer();
    server.close();
    await assert.rejects(post(url, {}, "x"), /ECONNREFUSED/);
  });
});
