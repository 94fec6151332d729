import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { startApi } from "../../local/aws/api-server";
import { HttpError, listen, readBody } from "../../local/aws/http";
import { stopAll } from "../../local/python/lifecycle";
import { defaultAccount } from "../helpers/local-account";

/** The deployed test microservice's feature count (the churn config's 69 features). */
const FEATURES = 69;
let runtime: AwsClientStub<SageMakerRuntimeClient>;

/** One request over a fresh connection: status and body, or the error the socket ended with. */
function post(url: string, apiKey: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "x-api-key": apiKey, "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A client that announces a body, sends part of it and hangs up (or sends broken chunk framing). */
function rudeClient(url: string, apiKey: string, kind: "hang-up" | "bad-chunks"): Promise<void> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      const head = `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\nx-api-key: ${apiKey}\r\n`;
      if (kind === "hang-up") socket.write(`${head}content-length: 500\r\n\r\n{"features":[1,`);
      else socket.write(`${head}transfer-encoding: chunked\r\n\r\nZZ\r\nnot a chunk\r\n`);
      setTimeout(() => socket.destroy(), 5);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

describe("the local API under load and rude clients", function () {
  this.timeout(180_000);
  // In `npm start` an unhandled rejection ends the process, and with it the run.
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  before(() => {
    process.on("unhandledRejection", record);
    runtime = mockClient(SageMakerRuntimeClient);
    runtime.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
      const rows = new TextDecoder().decode(input.Body).split("\n");
      return { Body: new TextEncoder().encode(rows.map(() => "0.75").join("\n")) };
    });
  });
  after(async () => {
    process.off("unhandledRejection", record);
    runtime.restore();
    await stopAll();
  });

  it("5,000 requests, 32 in flight, 1 in 50 hanging up mid-body: the server stays up and answers every other one correctly", async () => {
    const api = await startApi(await defaultAccount());
    const { url, apiKey } = api.addStage("soak", "mlops-microservice");
    const row = Array.from({ length: FEATURES }, (_, i) => i);
    const good = JSON.stringify({ features: row });
    const bad = JSON.stringify({ features: row.map((v, i) => (i === 2 ? "x" : v)) });
    const tally = { ok: 0, rejected: 0, rude: 0, wrong: [] as string[] };
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 5000; i = next++) {
        if (i % 50 === 49) {
          await rudeClient(url, apiKey, i % 100 === 99 ? "bad-chunks" : "hang-up");
          tally.rude++;
        } else if (i % 10 === 3) {
          const answer = await post(url, apiKey, bad);
          if (answer.status === 400 && /features\[2\]/.test(answer.body)) tally.rejected++;
          else tally.wrong.push(`${i}: ${answer.status} ${answer.body}`);
        } else {
          const answer = await post(url, apiKey, good);
          const predictions = answer.status === 200 ? JSON.parse(answer.body).predictions : undefined;
          if (predictions?.length === 1 && predictions[0].class === 1) tally.ok++;
          else tally.wrong.push(`${i}: ${answer.status} ${answer.body}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    assert.deepEqual(tally.wrong.slice(0, 5), []);
    assert.equal(tally.rude, 100);
    assert.equal(tally.ok + tally.rejected, 4900);
    assert.equal((await post(url, apiKey, good)).status, 200, "still up afterwards");
    assert.deepEqual(unhandled.map(String), [], "no request handler left a rejection unhandled");
  });

  it("a body over the limit is a 413 and one too slow a 408, each with a message", async () => {
    const api = await startApi(await defaultAccount());
    const { url, apiKey } = api.addStage("limits", "mlops-microservice");
    const huge = await post(url, apiKey, "", { "content-length": String(20 * 1024 * 1024) }).catch(
      (e: Error) => ({
        status: 0,
        body: e.message,
      }),
    );
    assert.equal(huge.status, 413, huge.body);
    assert.match(huge.body, /larger than 10485760 bytes/);
    const slow = await listen(async (request, response) => {
      await readBody(request, { maxBytes: 1000, timeoutMs: 200 });
      response.end("unreachable");
    });
    const { hostname, port } = new URL(slow.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n{"),
      );
      let text = "";
      socket.on("data", (d) => (text += d.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1.1 408/);
    assert.match(answer, /did not arrive within 0.2 s/);
    assert.ok(new HttpError(413, "x") instanceof Error);
  });
});
