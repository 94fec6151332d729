import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { runOffline, type CapturedResource, type OfflineRun } from "../../tools/offline/harness";
import { LOCAL_ACCOUNT, LOCAL_REGION, type DeployedStack, type Deployment } from "./deployment";

/**
 * Deploys the test and prod stacks offline for one ML config, in local mode's account and region,
 * and writes what local mode needs of them (see deployment.ts, which runs this in a child process):
 *   deploy-offline.ts --ml-config <file> --out <file>
 * Production is the one-account variant, serving the first package of the test stack's model group.
 */

function argument(name: string): string {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? process.argv[at + 1] : undefined;
  if (!value) throw new Error(`usage: deploy-offline.ts --ml-config <file> --out <file> (missing ${name})`);
  return value;
}

/** Lambda code archives are the bulk of a run and nothing local mode reads. */
function kept(run: OfflineRun): DeployedStack {
  const resources = run.resources
    .filter((r) => r.custom)
    .map((r): CapturedResource => {
      const { code: _code, ...inputs } = r.inputs;
      return { ...r, inputs, wire: r.wire && { inputs: {}, state: withoutCode(r.wire.state) } };
    });
  return { resources, outputs: run.outputs };
}

function withoutCode(state: Record<string, unknown>): Record<string, unknown> {
  const { code: _code, ...rest } = state;
  return rest;
}

async function main(): Promise<void> {
  process.env.MLOPS_ML_CONFIG = argument("--ml-config");
  const out = argument("--out");
  const region = [`aws:region=${LOCAL_REGION}`];
  const test = await runOffline({ stack: "test", config: region, accountId: LOCAL_ACCOUNT });
  const group = String(test.outputs.modelPackageGroupName).toLowerCase();
  const prod = await runOffline({
    stack: "prod",
    accountId: LOCAL_ACCOUNT,
    stackOutputs: { test: test.outputs },
    config: [
      ...region,
      `approvedModelPackageArn=arn:aws:sagemaker:${LOCAL_REGION}:${LOCAL_ACCOUNT}:model-package/${group}/1`,
    ],
  });
  const deployment: Omit<Deployment, "key"> = {
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    test: kept(test),
    prod: kept(prod),
  };
  mkdirSync(dirname(out), { recursive: true });
  // Written aside and renamed: a reader sees the whole deployment or none.
  writeFileSync(`${out}.${process.pid}.tmp`, JSON.stringify(deployment));
  renameSync(`${out}.${process.pid}.tmp`, out);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
