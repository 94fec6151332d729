import { strict as assert } from "node:assert";
import { request as httpRequest } from "node:http";
import { API_PAYLOAD_LIMIT_BYTES, startApi } from "../../local/aws/api-server";
import { stopAll } from "../../local/python/lifecycle";
import { defaultAccount } from "../helpers/local-account";

/**
 * A client that announces its body's length and streams it in pieces, as an SDK or curl sends a
 * large upload: the answer can come while it is still sending. What it ends with is the answer, or
 * the socket error that took the answer's place.
 */
function streamingPost(url: string, apiKey: string, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const request = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "x-api-key": apiKey, "content-type": "application/json", "content-length": bytes },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve(`${response.statusCode} ${text}`));
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => resolve(`socket error ${error.code}`));
    const piece = Buffer.alloc(256 * 1024, " ");
    let sent = 0;
    const next = () => {
      if (sent >= bytes) {
        request.end();
        return;
      }
      const size = Math.min(piece.length, bytes - sent);
      sent += size;
      request.write(piece.subarray(0, size));
      setTimeout(next, 2);
    };
    next();
  });
}

describe("the local API's payload limit, as API Gateway's", function () {
  this.timeout(120_000);
  after(() => stopAll());

  it("a body over 10 MB gets 413 with a JSON message, even while the client is still sending it", async () => {
    const api = await startApi(await defaultAccount());
    const { url, apiKey } = api.addStage("limit", "mlops-microservice");
    assert.equal(API_PAYLOAD_LIMIT_BYTES, 10 * 1024 * 1024);
    for (const bytes of [API_PAYLOAD_LIMIT_BYTES + 1, 11 * 1024 * 1024]) {
      assert.equal(
        await streamingPost(url, apiKey, bytes),
        `413 {"message":"Request Too Long: the body is larger than 10485760 bytes (API Gateway's 10 MB limit)"}`,
        `${bytes} bytes`,
      );
    }
  });

  it("a body of exactly 10 MB is read and handed to the handler", async () => {
    const api = await startApi(await defaultAccount());
    const { url, apiKey } = api.addStage("at-limit", "mlops-microservice");
    // Spaces only: JSON with nothing in it, which the microservice refuses itself.
    const answer = await streamingPost(url, apiKey, API_PAYLOAD_LIMIT_BYTES);
    assert.match(answer, /^400 /);
  });
});
