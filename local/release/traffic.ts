import { postJson } from "../aws/http-client";

/**
 * Production traffic for a canary: rows of the held-out test split sent through the prod API, a few
 * at a time, as callers would. The endpoint's own metrics (not the API's answers) are what the
 * canary is judged by, as in the cloud.
 */
export async function sendTraffic(
  api: { url: string; apiKey: string },
  rows: number[][],
  requests: number,
  concurrency = 4,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const row = rows[next++ % rows.length];
      await postJson(api, { features: row });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
}
