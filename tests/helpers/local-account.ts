import { loadMlPipelineConfig } from "../../config/ml-config";
import { ML_CONFIG_PATH } from "../../infra/program-config";
import { LocalAccount } from "../../local/aws/account";
import { localDeployment, type Deployment } from "../../local/aws/deployment";

let deployed: Promise<Deployment> | undefined;

/** The stacks deployed offline for the repository's ML config, once per test process. */
export function defaultDeployment(): Promise<Deployment> {
  deployed ??= localDeployment(loadMlPipelineConfig(ML_CONFIG_PATH), ML_CONFIG_PATH);
  return deployed;
}

/** A local account over those stacks, optionally changed (a planted narrower policy). */
export async function defaultAccount(change?: (deployment: Deployment) => Deployment): Promise<LocalAccount> {
  const deployment = structuredClone(await defaultDeployment());
  return new LocalAccount(change ? change(deployment) : deployment);
}
