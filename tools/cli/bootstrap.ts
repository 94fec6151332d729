import { Command, Option } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { bootstrapTemplate, prodDeployRole } from "../../infra/bootstrap/prod-deploy-role";
import {
  firstUntrustable,
  pipelineAccountOf,
  type PipelineAccount,
} from "../../infra/bootstrap/trusted-roles";
import { showValue } from "../../config/validation";
import { PROJECT_ROOT } from "../offline/harness";
import { OfflineUsageError, parseOverrides, readStackFile } from "../offline/stack-files";
import { partitionOf } from "../../infra/shared/aws-context";
import { parseStackConfig, PROJECT } from "../../infra/stack-config";
import { collect, runCli } from "./cli-support";

/**
 * `npm run bootstrap -- --account prod`: what the production account needs before the first deploy,
 * as a CloudFormation template to apply there once (again after a change; `deploy` is idempotent):
 * the deployment role the prod stack's provider assumes, trusted only by the pipeline's Deploy role.
 */

export interface BootstrapOptions {
  /** `key=value` overrides of the test stack's config (as `--config` elsewhere). */
  readonly config?: string[];
  /** Extra role ARNs allowed to deploy by hand: exact roles of the pipeline account. */
  readonly trust?: string[];
}

export function prodBootstrap(options: BootstrapOptions = {}) {
  const { config: raw, project } = readStackFile(PROJECT_ROOT, "test");
  const config = parseStackConfig("test", { ...raw, ...parseOverrides(project, options.config ?? []) });
  if (config.stack !== "test" || !config.prodAccount) {
    throw new OfflineUsageError(
      `Pulumi.test.yaml sets no ${PROJECT}:prodAccount: production shares the pipeline's account, so there is nothing to bootstrap. Set it (see docs/multi-account.md) to give production its own account.`,
    );
  }
  const pipelineRoleArn = config.prodAccount.pipelineRoleArn ?? config.deployRoleArn;
  const partition = partitionOf(config.region);
  const source = `${PROJECT}:${config.prodAccount.pipelineRoleArn ? "prodAccount.pipelineRoleArn" : "deployRoleArn"}`;
  refuseUntrustable(options.trust ?? [], { ...pipelineAccountOf(pipelineRoleArn, source), partition });
  const role = prodDeployRole({
    prod: config.prodAccount,
    pipelineRoleArn,
    region: config.region,
    partition,
    prefix: PROJECT,
    extraTrustedRoleArns: options.trust,
  });
  const template = bootstrapTemplate(
    role,
    `The ${PROJECT} prod stack's deployment role in account ${config.prodAccount.accountId}`,
  );
  return {
    role,
    template,
    prod: config.prodAccount,
    // Not the trust's principal: with --trust that is a list, and only this role runs the Deploy stage.
    pipelineRoleArn,
  };
}

/** The builder refuses the same values; checked here first so that the message names the option. */
function refuseUntrustable(trust: readonly string[], pipeline: PipelineAccount): void {
  const refused = firstUntrustable(trust, pipeline);
  if (refused) throw new OfflineUsageError(`--trust ${showValue(refused.value)}: ${refused.reason}`);
}

function instructions(file: string, result: ReturnType<typeof prodBootstrap>): string {
  return `Apply it in the production account (${result.prod.accountId}), with credentials of that account:

  aws cloudformation deploy --template-file ${file} --stack-name ${PROJECT}-prod-bootstrap --capabilities CAPABILITY_NAMED_IAM

Then let the pipeline's Deploy role (${result.pipelineRoleArn}) assume it, in the pipeline account:

  {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "${result.prod.deployRoleArn}"}

It must use the session name "${result.prod.sessionName}" (the prod stack's provider does).
`;
}

/**
 * Where the template goes without `--out`: a folder git ignores, as the template is made from the
 * stack config and is regenerated rather than committed.
 */
export const DEFAULT_TEMPLATE = join("dist", "prod-bootstrap.json");

/**
 * The command: writes the template and prints its absolute path and the next steps to `write`.
 * `--out` is relative to where the user ran npm (INIT_CWD), as npm itself runs scripts from the root.
 */
export function bootstrapCommand(
  argv: string[],
  write: (text: string) => void,
  cwd = process.env.INIT_CWD ?? process.cwd(),
): string {
  const program = new Command("bootstrap")
    .description("Print what the production account needs before the first deploy")
    .addOption(
      new Option("--account <account>", "the account to bootstrap").choices(["prod"]).makeOptionMandatory(),
    )
    .option("--out <file>", `write the CloudFormation template here (default: ${DEFAULT_TEMPLATE})`)
    .option(
      "--trust <roleArn>",
      "a role of the pipeline account that may deploy prod by hand, as its exact ARN (repeatable)",
      collect,
      [],
    )
    .option("--config <key=value>", "override a test stack setting (repeatable)", collect, [])
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{ out?: string; trust: string[]; config: string[] }>();
  const result = prodBootstrap({ trust: options.trust, config: options.config });
  const file = options.out ? resolve(cwd, options.out) : join(PROJECT_ROOT, DEFAULT_TEMPLATE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result.template, null, 2)}\n`);
  write(`wrote ${file}\n\n${instructions(file, result)}`);
  return file;
}

if (require.main === module)
  runCli((argv) => void bootstrapCommand(argv, (text) => process.stdout.write(text)));
