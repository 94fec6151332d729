import { strict as assert } from "node:assert";
import { debouncer } from "../../local/watch/debouncer";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("watch mode's debouncer", () => {
  it("flushes the distinct reasons once none came for the period", async () => {
    const flushed: string[][] = [];
    const debounced = debouncer(40, (reasons) => flushed.push(reasons));
    debounced("data: a.csv");
    await sleep(20);
    debounced("data: a.csv");
    debounced("code: infra/index.ts");
    assert.deepEqual(flushed, []);
    await sleep(80);
    assert.deepEqual(flushed, [["data: a.csv", "code: infra/index.ts"]]);
  });

  it("take() hands over the waiting reasons (to a run that starts now), and they are never flushed", async () => {
    const flushed: string[][] = [];
    const debounced = debouncer(40, (reasons) => flushed.push(reasons));
    debounced("data: a.csv");
    assert.deepEqual(debounced.take(), ["data: a.csv"]);
    assert.deepEqual(debounced.take(), []);
    await sleep(80);
    assert.deepEqual(flushed, [], "a taken reason starts no run of its own");
  });
});
