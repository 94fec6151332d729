import { validateInput, validationMessage } from "../aws/validate";
import { judgeCanary, variantReport, type CanaryReport } from "../release/canary";
import { prodDeploymentOf } from "../release/prod-deployment";
import { sendTraffic } from "../release/traffic";
import { stillRunning, testSplitRows, type RunContext, type Stage } from "../run/context";
import type { ModelPackage, Variant } from "../aws/state";

/**
 * Production's own endpoint, released as the cloud releases it: the champion (the newest Approved
 * package) keeps serving while the new model takes `release.canaryPercent` of the traffic; the canary
 * is judged by the prod alarms' thresholds; only a passing model takes all traffic and becomes
 * Approved (the next champion). A failing one is Rejected with the reason and all traffic returns to
 * the champion, or, on a first release, production serves nothing.
 */

const CANARY = "Canary";
const PRIMARY = "Primary";

/** A SageMaker name with the run's id at its end, at most 63 characters (as the run input's names). */
const named = (prefix: string, suffix: string) =>
  `${prefix.slice(0, 62 - suffix.length).replace(/-+$/, "")}-${suffix}`;

/** A call the prod stack's deployment makes, checked against the API model first, as SageMaker would. */
function checked<T>(
  operation: string,
  input: Record<string, unknown>,
  call: (input: Record<string, unknown>) => T,
): T {
  const violations = validateInput("sagemaker", operation, input);
  if (violations.length > 0)
    throw new Error(`${operation}: ValidationException: ${validationMessage(violations)}`);
  return call(input);
}

/** A model package as a model the endpoint can serve, created from the package as the prod stack does. */
function servedModel(ctx: RunContext, pkg: ModelPackage): string {
  const name = named(ctx.config.endpoints.prod.name, `v${pkg.version}`);
  if (ctx.world.models.has(name)) return name;
  checked(
    "CreateModel",
    {
      ModelName: name,
      PrimaryContainer: { ModelPackageName: pkg.arn },
      ExecutionRoleArn: prodDeploymentOf(ctx.account).modelRoleArn,
      EnableNetworkIsolation: true,
    },
    (input) => ctx.sageMaker.createModel(input),
  );
  return name;
}

/** The package versions the prod endpoint's current configuration serves. */
function servingVersions(ctx: RunContext): number[] {
  const endpoint = ctx.world.endpoints.get(ctx.config.endpoints.prod.name);
  const config = endpoint && ctx.world.endpointConfigs.get(endpoint.configName);
  return (config?.variants ?? []).map((v) => ctx.world.models.get(v.model)?.version ?? -1);
}

/**
 * Serves the variants on the prod endpoint as the prod stack would: a configuration with the stack's
 * instances, data capture and key, and the endpoint created or updated with the stack's blue/green
 * policy and rollback alarms (SageMaker checks both).
 */
async function serve(ctx: RunContext, configName: string, variants: Variant[]): Promise<void> {
  const prod = ctx.config.endpoints.prod.name;
  const deployment = prodDeploymentOf(ctx.account);
  checked(
    "CreateEndpointConfig",
    {
      EndpointConfigName: configName,
      ProductionVariants: variants.map((v) => ({
        VariantName: v.name,
        ModelName: v.model,
        InitialVariantWeight: v.weight,
        ...deployment.variant,
      })),
      ...deployment.config,
    },
    (input) => ctx.sageMaker.createEndpointConfig(input),
  );
  const request = {
    EndpointName: prod,
    EndpointConfigName: configName,
    DeploymentConfig: deployment.deploymentConfig,
  };
  const exists = ctx.world.endpoints.has(prod);
  await checked(exists ? "UpdateEndpoint" : "CreateEndpoint", request, (input) =>
    exists ? ctx.sageMaker.updateEndpoint(input) : ctx.sageMaker.createEndpoint(input),
  );
  const deployed = ctx.world.endpoints.get(prod);
  if (deployed?.status !== "InService" || deployed.configName !== configName)
    throw new Error(
      `the prod endpoint did not take ${configName}: ${deployed?.failureReason ?? deployed?.status}`,
    );
}

/** Sends the canary traffic and reports each variant by the endpoint's own metrics. */
async function runCanary(
  ctx: RunContext,
  candidate: ModelPackage,
  champion: ModelPackage | undefined,
): Promise<CanaryReport> {
  const { config, hosting, result } = ctx;
  const prod = config.endpoints.prod.name;
  const newModel = servedModel(ctx, candidate);
  const variants: Variant[] = champion
    ? [
        { name: PRIMARY, model: servedModel(ctx, champion), weight: 100 - config.release.canaryPercent },
        { name: CANARY, model: newModel, weight: config.release.canaryPercent },
      ]
    : [{ name: CANARY, model: newModel, weight: 100 }];
  stillRunning(ctx, "the canary");
  await serve(ctx, named(`${prod}-canary`, ctx.input.runId), variants);
  const fault = ctx.options.simulateCanaryFault;
  if (fault)
    hosting.injectFault(
      newModel,
      fault === "errors" ? { errorPercent: 50 } : { delayMs: config.release.maxModelLatencyMs + 150 },
    );
  hosting.resetMetrics(prod);
  // The prod stack's microservice, with its settings and role.
  const api = ctx.api!.addStage("prod", "mlops-prod-microservice");
  ctx.prodApi = api;
  result.endpoints.prod = prod;
  const rows = testSplitRows(ctx).map((row) => row.slice(1));
  await sendTraffic(api, rows, config.release.canaryRequests);
  const metrics = hosting.variantMetrics(prod);
  const reports = [
    ...(champion ? [variantReport(PRIMARY, champion.version, metrics[PRIMARY])] : []),
    variantReport(CANARY, candidate.version, metrics[CANARY]),
  ];
  const verdict = judgeCanary(reports[reports.length - 1], config.release);
  return {
    thresholds: config.release,
    requests: config.release.canaryRequests,
    variants: reports,
    ...verdict,
  };
}

async function promote(ctx: RunContext, candidate: ModelPackage, report: CanaryReport) {
  const prod = ctx.config.endpoints.prod.name;
  stillRunning(ctx, "the release to all traffic");
  await serve(ctx, named(prod, ctx.input.runId), [
    { name: "AllTraffic", model: servedModel(ctx, candidate), weight: 1 },
  ]);
  ctx.result.modelPackage = ctx.world.setStatus(
    candidate.arn,
    "Approved",
    "took all production traffic after passing its canary",
  );
  report.servingVersions = servingVersions(ctx);
}

async function rollBack(
  ctx: RunContext,
  candidate: ModelPackage,
  champion: ModelPackage | undefined,
  report: CanaryReport,
) {
  const prod = ctx.config.endpoints.prod.name;
  if (champion) {
    await serve(ctx, named(`${prod}-rollback`, ctx.input.runId), [
      { name: "AllTraffic", model: servedModel(ctx, champion), weight: 1 },
    ]);
  } else {
    ctx.sageMaker.deleteEndpoint({ EndpointName: prod });
  }
  report.servingVersions = servingVersions(ctx);
  const reason = `failed its canary: ${report.reasons.join("; ")}`;
  ctx.result.modelPackage = ctx.world.setStatus(candidate.arn, "Rejected", reason);
  const { result } = ctx;
  result.outcome = "rolled-back";
  result.exitCode = 1;
  result.failedState = "ProdCanary";
  result.message = `Model version ${candidate.version} ${reason}. ${
    champion
      ? `All traffic is back on version ${champion.version}.`
      : "It was the first release; production serves no model."
  }`;
}

export const prodRollout: Stage = {
  name: "prod rollout",
  async run(ctx) {
    const candidate = ctx.result.modelPackage!;
    const champion = ctx.world.champion(ctx.input.registry.groupName);
    ctx.result.previousChampion = champion;
    const report = await runCanary(ctx, candidate, champion);
    ctx.result.canary = report;
    if (report.passed) {
      await promote(ctx, candidate, report);
      return "continue";
    }
    await rollBack(ctx, candidate, champion, report);
    return "stop";
  },
};
