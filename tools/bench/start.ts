import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findPython, pythonEnv } from "../../local/python/python";
import { median, medianProcess, seconds, verdict } from "./measure";

/**
 * Local mode as a user runs it: `npm start -- --approve` as a whole process, against its floor — one
 * Python process that imports XGBoost, prepares the data, trains and scores (tools/bench/floor.py) —
 * with where the rest goes: Node's start-up, the launcher and loading local mode, each stage.
 */

const ROOT = resolve(__dirname, "..", "..");
const DATA = join(ROOT, "sample-datasets", "customer-churn.csv");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");
/** A start that loads everything a run needs and stops at its first input check (the data file). */
const LOAD_ONLY = ["local/start.js", "--approve", "--data", join(tmpdir(), "bench-no-such-data.csv")];

export interface StartResult {
  runs: number;
  /** Where the runs left their directories (the inference bench serves a model from one). */
  runsRoot: string;
  wall: number;
  floor: number;
  floorSteps: Record<string, number>;
  /** Seconds npm's own start-up adds to a start. */
  npm: number;
  parts: { part: string; seconds: number }[];
}

/** One `npm start`: its wall time and the top-level stage times it prints. */
function startOnce(runsRoot: string): { wall: number; stages: Map<string, number> } {
  const began = performance.now();
  const run = spawnSync("npm", ["start", "-s", "--", "--approve", "--runs", runsRoot], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const wall = (performance.now() - began) / 1000;
  if (run.status !== 0) throw new Error(`npm start failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const stages = new Map<string, number>();
  for (const [, stage, time] of run.stdout.matchAll(/^ {2}(\S.*?)\s+(\d+\.\d+) s$/gm))
    stages.set(stage, Number(time));
  return { wall, stages };
}

function floorOnce(): { wall: number; steps: Record<string, number> } {
  const began = performance.now();
  const run = spawnSync(findPython().python, [join(__dirname, "floor.py"), DATA, CONFIG], {
    encoding: "utf8",
    env: pythonEnv(),
  });
  if (run.status !== 0) throw new Error(`the floor script failed: ${run.stderr.slice(-2000)}`);
  return {
    wall: (performance.now() - began) / 1000,
    steps: JSON.parse(run.stdout) as Record<string, number>,
  };
}

export function startBench(runs: number): StartResult {
  const runsRoot = mkdtempSync(join(tmpdir(), "bench-start-"));
  // Interleaved, so that a burst of load on this shared machine weighs on both alike.
  const pairs = Array.from({ length: runs }, () => ({ start: startOnce(runsRoot), floor: floorOnce() }));
  const starts = pairs.map((pair) => pair.start);
  const floors = pairs.map((pair) => pair.floor);
  const node = medianProcess(runs, process.execPath, ["-e", ""], { cwd: ROOT });
  // npm's own share: the same help screen through npm and straight from node.
  const viaNpm = medianProcess(runs, "npm", ["start", "-s", "--", "--help"], { cwd: ROOT });
  const direct = medianProcess(runs, process.execPath, ["local/start.js", "--help"], { cwd: ROOT });
  // Exit 2: the missing data file, reported after everything a run needs has loaded.
  const loaded = medianProcess(runs, process.execPath, LOAD_ONLY, { cwd: ROOT }, 2);
  const wall = median(starts.map((s) => s.wall));
  const stageNames = [...starts[0].stages.keys()];
  const stages = stageNames.map((stage) => ({
    part: `stage: ${stage}`,
    seconds: median(starts.map((s) => s.stages.get(stage) ?? 0)),
  }));
  const accounted = loaded + stages.reduce((sum, s) => sum + s.seconds, 0);
  const parts = [
    { part: "Node start-up (a bare `node`)", seconds: node },
    {
      part: "the launcher and loading local mode's bundle and packages (Python's start overlaps it)",
      seconds: loaded - node,
    },
    ...stages,
    {
      part: "npm itself (`npm start -- --help` against `node local/start.js --help`)",
      seconds: viaNpm - direct,
    },
    { part: "the rest: the report and history page, exit", seconds: wall - accounted - (viaNpm - direct) },
  ];
  const floorSteps = Object.fromEntries(
    Object.keys(floors[0].steps).map((step) => [step, median(floors.map((f) => f.steps[step]))]),
  );
  const floor = median(floors.map((f) => f.wall));
  return { runs, runsRoot, wall, floor, floorSteps, npm: viaNpm - direct, parts };
}

export function startSection(result: StartResult): string {
  const ratio = result.wall / result.floor;
  return `## Local mode as a user runs it

\`npm start -s -- --approve\` as a whole process (median of ${result.runs}), against its floor: one Python
process that imports XGBoost, prepares the data with the pipeline's transform, trains with the config's
hyperparameters and scores the test split (\`tools/bench/floor.py\`, median of ${result.runs}); each run of
one is followed by a run of the other.

| measure | value | target |
|---|---|---|
| \`npm start\` | ${seconds(result.wall)} | |
| floor | ${seconds(result.floor)} (${Object.entries(result.floorSteps)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ")}) | |
| ratio | ${ratio.toFixed(2)} × floor | ≤ 2 ×: ${verdict(ratio <= 2)} |
| without npm's own start-up (\`node local/start.js\`) | ${seconds(result.wall - result.npm)}, ${((result.wall - result.npm) / result.floor).toFixed(2)} × floor | |

Where the time goes (medians; stages as the run prints them):

| part | seconds |
|---|---|
${result.parts.map((p) => `| ${p.part} | ${p.seconds.toFixed(2)} |`).join("\n")}

${accountOf(result)}
`;
}

const partsMatching = (result: StartResult, pattern: RegExp) =>
  result.parts.filter((p) => pattern.test(p.part)).reduce((sum, p) => sum + p.seconds, 0);

/** What the parts add up to against the 2 × budget: the share no run can skip, and the pipeline's own steps. */
function accountOf(result: StartResult): string {
  const fixed = partsMatching(result, /^(Node start-up|the launcher|npm itself)/);
  const beyond = partsMatching(result, /^stage: (test|prod rollout|monitoring)$/);
  const budget = 2 * result.floor;
  return `Against the 2 × budget (${seconds(budget)}): npm, Node and loading local mode take ${seconds(fixed)}
before any work (the loading is the AWS SDK clients the handlers call, the Step Functions interpreter
that runs the state machine and zod, while Python imports XGBoost beside it); the test, canary and
monitoring stages, which the floor does not do, take ${seconds(beyond)} (the test suite's requests, ${"`release.canaryRequests`"}
through API → handler → SDK → endpoint, the monitoring traffic and its drift check). Those two alone
are ${(((fixed + beyond) / result.floor) * 100).toFixed(0)} % of the floor.`;
}
