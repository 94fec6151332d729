import { Command } from "commander";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { npmTookFlags } from "../../local/npm-flags";

const ROOT = resolve(__dirname, "..", "..");

/** What npm puts in the environment of `npm start`. */
const START = { npm_lifecycle_event: "start", npm_lifecycle_script: "node local/start.js" };

/**
 * `npm start` as npm runs it: the launcher with npm's environment for the script (npm_lifecycle_event,
 * an npm_config_<flag> for each flag npm took for itself) and the arguments npm passed on. A missing
 * data file makes any run that does start end at once, with exit 2.
 */
function npmStart(args: string[], npmConfig: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...START };
  for (const key of Object.keys(env)) if (key.startsWith("npm_config_")) delete env[key];
  Object.assign(env, npmConfig);
  const done = spawnSync(
    process.execPath,
    ["local/start.js", "--runs", mkdtempSync(join(tmpdir(), "cli-usage-")), ...args],
    { cwd: ROOT, encoding: "utf8", env, timeout: 60_000 },
  );
  return { status: done.status, stderr: done.stderr.trim() };
}

const missingData = join(tmpdir(), "no-such-data.csv");

describe("local mode's CLI: what a user gets wrong", function () {
  this.timeout(120_000);

  it("`npm start --approve` (no --): npm took the flag; the run stops with the command that was meant, exit 2", () => {
    const done = npmStart(["--data", missingData], { npm_config_approve: "true" });
    assert.equal(done.status, 2, done.stderr);
    assert.match(
      done.stderr,
      /^error: npm took --approve for itself; run `npm start -- --approve --runs \S+ --data \S+no-such-data\.csv`$/,
    );
  });

  it("a flag's value npm passed on as a bare argument goes back to its flag in the hint", () => {
    const done = npmStart(["foo.csv"], { npm_config_approve: "true", npm_config_data: "true" });
    assert.equal(done.status, 2, done.stderr);
    assert.match(
      done.stderr,
      /^error: npm took --approve --data for itself; run `npm start -- --approve --data foo\.csv --runs \S+`$/,
    );
  });

  it("the hint is the command that was meant, for npm start and for another script", () => {
    const program = new Command("npm start --")
      .option("--approve", "approve")
      .option("--data <csv>", "data")
      .option("--simulate-drift", "drift");
    const hint = (argv: string[], env: NodeJS.ProcessEnv) => npmTookFlags(program, argv, env)?.message;
    assert.equal(
      hint([], { ...START, npm_config_approve: "true" }),
      "npm took --approve for itself; run `npm start -- --approve`",
    );
    assert.equal(
      hint([], {
        npm_lifecycle_event: "demo",
        npm_lifecycle_script: "node local/start.js --simulate-canary-fault latency",
        npm_config_simulate_drift: "true",
        npm_config_data: "true",
      }),
      "npm took --data --simulate-drift for itself; run `npm run demo -- --data <csv> --simulate-drift`",
    );
    assert.equal(hint([], { npm_config_approve: "true" }), undefined, "not under npm: nothing to say");
    assert.equal(
      hint([], {
        npm_lifecycle_event: "test:unit",
        npm_lifecycle_script: "mocha",
        npm_config_approve: "true",
      }),
      undefined,
      "started by another script, which npm gave the flag to",
    );
    assert.equal(hint(["--approve"], { ...START, npm_config_approve: "true" }), undefined);
  });

  it("a flag given after -- is the CLI's own, whatever npm's environment says", () => {
    const done = npmStart(["--approve", "--data", missingData], { npm_config_approve: "true" });
    assert.equal(done.status, 2, done.stderr);
    assert.equal(
      done.stderr,
      `error: Cannot read the data file ${missingData}: it does not exist (give another with --data)`,
    );
  });

  it("a missing --config file gets the message a missing data file gets, in a run and in watch mode", () => {
    const missing = join(tmpdir(), "no-such-config.json");
    for (const mode of [[], ["--watch"]]) {
      const done = npmStart(["--approve", "--config", missing, ...mode]);
      assert.equal(done.status, 2, done.stderr);
      assert.equal(
        done.stderr,
        `error: Cannot read the ML pipeline config ${missing}: it does not exist (give another with --config)`,
      );
    }
  });
});
