import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { OfflineRun } from "../../tools/offline/harness";
import { evaluate, PACKS, packConfigFor } from "../../policy/evaluator/evaluate";
import { PackProcess } from "../helpers/analyzer-client";
import { offline } from "../helpers/offline";

/**
 * What a platform team gets from `pulumi policy publish`: the pack directory alone. Each pack is
 * copied to an empty folder with the dependencies its own lock installs (installFromOwnLock), started the way the Pulumi CLI
 * starts it, and asked over gRPC to analyze another team's program. It must load, list every rule,
 * and report exactly what the repository's evaluator reports.
 */

const ROOT = join(__dirname, "..", "..");
const line = (d: { policy: string; urn: string; message: string; enforcementLevel: string }) =>
  `${d.policy} | ${d.enforcementLevel} | ${d.urn} | ${d.message}`;

const INSTALLS = join(ROOT, "node_modules", ".cache", "mlops", "pack-installs");

/**
 * The pack's dependencies as `npm ci` installs them from its own package.json and lock. An install
 * (slow, and large) is kept, keyed by those two files and the Node and npm versions, as CI caches key
 * node_modules on a lockfile: the same lock installs the same tree. A changed lock installs afresh
 * and replaces the pack's older installs.
 */
let npmVersion: string | undefined;

function installFromOwnLock(packDir: string, name: string): string {
  npmVersion ??= execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  const key = createHash("sha256")
    .update(readFileSync(join(packDir, "package.json")))
    .update(readFileSync(join(packDir, "package-lock.json")))
    .update(`${process.version} npm ${npmVersion}`)
    .digest("hex")
    .slice(0, 16);
  const installed = join(INSTALLS, `${name}-${key}`);
  if (existsSync(join(installed, "node_modules"))) return join(installed, "node_modules");
  mkdirSync(INSTALLS, { recursive: true });
  const building = mkdtempSync(join(INSTALLS, `${name}-${key}.partial-`));
  for (const file of ["package.json", "package-lock.json"]) cpSync(join(packDir, file), join(building, file));
  execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: building,
    stdio: "pipe",
  });
  const mine = basename(building);
  const ofThisPack = new RegExp(`^${name}-[0-9a-f]{16}($|\\.partial-)`);
  for (const old of readdirSync(INSTALLS).filter((entry) => ofThisPack.test(entry) && entry !== mine))
    rmSync(join(INSTALLS, old), { recursive: true, force: true });
  renameSync(building, installed);
  return join(installed, "node_modules");
}

describe("policy packs, each copied alone to an empty folder", function () {
  this.timeout(600_000);
  let program: OfflineRun;
  const folders: string[] = [];

  before(async () => {
    program = await offline({
      stack: "prod",
      program: join(ROOT, "tests", "fixtures", "insecure-program.ts"),
    });
  });
  after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  for (const pack of PACKS) {
    it(`${pack.name}: installs from its own lock, loads under the CLI's runner and analyzes a program`, async () => {
      const folder = mkdtempSync(join(tmpdir(), `${pack.name}-`));
      folders.push(folder);
      cpSync(pack.dir, folder, { recursive: true, filter: (source) => !source.includes("node_modules") });
      symlinkSync(installFromOwnLock(pack.dir, pack.name), join(folder, "node_modules"), "dir");
      const served = await PackProcess.start(folder, 300_000);
      try {
        const info = await served.policyNames();
        assert.equal(info.name, pack.name);
        assert.deepEqual(
          info.policies,
          pack.policies.map((p) => p.name),
        );
        // prod.json makes every rule mandatory: `--policy-pack-config` passes it as {"all": "mandatory"}.
        await served.configure(packConfigFor(pack, "prod").all as "mandatory");
        const analyzed = program.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
        const viaCli = (await served.analyze(analyzed)).map(line).sort();
        const configs = { [pack.name]: packConfigFor(pack, "prod") };
        const inRepo = (await evaluate(program, [pack], configs)).violations.map(line).sort();
        assert.ok(viaCli.length > 0, "the insecure program breaks rules of every pack");
        assert.ok(viaCli.every((d) => d.includes("| mandatory |")));
        assert.deepEqual(viaCli, inRepo);
      } finally {
        served.stop();
      }
    });
  }
});
