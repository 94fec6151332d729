import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateExperimentCommand,
  CreateTrialCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  type DescribeEndpointCommandOutput,
  type EndpointStatus,
} from "@aws-sdk/client-sagemaker";
import { s3, sagemaker } from "./lib/clients";
import {
  parseControllerRequest,
  type Action,
  type ControllerRequest,
  type RequestOf,
} from "./lib/controller-requests";
import { logger } from "./lib/logger";
import {
  binaryMetrics,
  modelQualityReport,
  parsePredictions,
  type BinaryMetrics,
} from "./lib/classification-metrics";
import { parseS3Uri } from "./lib/s3-uri";
import { NamedError } from "../config/named-error";
import type { MlPipelineConfig } from "../config/ml-config";

export { BadRequest } from "./lib/controller-requests";

/**
 * The ML pipeline's controller: the steps Step Functions cannot do with a service integration alone.
 * Called with `{action, ...}`; endpoint checks raise typed errors the state machine retries or catches.
 */

/** The endpoint is still creating or updating; the state machine retries. */
export class EndpointPending extends NamedError {
  constructor(message: string) {
    super("EndpointPending", message);
  }
}

/** The endpoint failed or rolled back; the run fails with this cause. */
export class EndpointFailed extends NamedError {
  constructor(message: string) {
    super("EndpointFailed", message);
  }
}

export type GateThresholds = MlPipelineConfig["gate"];

export interface Evaluation {
  testAuc: number;
  testError: number;
  productionAuc: number | null;
  notWorseThanProduction: boolean;
  gate: GateThresholds;
  passed: boolean;
  summary: string;
  metrics: Omit<BinaryMetrics, "roc">;
}

async function readText(uri: string): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString("utf-8")) ?? "";
}

const isMissing = (error: unknown) =>
  error instanceof Error &&
  (error.name === "ResourceNotFound" || /does not exist|Could not find|not found/i.test(error.message));
const alreadyExists = (error: unknown) =>
  error instanceof Error && (error.name === "ResourceInUse" || /already exists/i.test(error.message));

// ----------------------------------------------------------------------------- data prep

export async function explainDataFailure(
  request: RequestOf<"explainDataFailure">,
): Promise<{ error: string; cause: string }> {
  const failure = request.failure ?? {};
  const jobCause = `${failure.Error ?? "Error"}: ${failure.Cause ?? "no cause reported"}`;
  try {
    const report = JSON.parse(await readText(request.reportUri)) as {
      passed?: boolean;
      rows: number;
      rejected: number;
      rejectedShare: number;
      maxRejectedShare: number;
      firstRejections?: string[];
      problem?: string;
    };
    if (report.passed === false && report.rows > 0 && report.rejectedShare > report.maxRejectedShare) {
      const first = report.firstRejections?.[0] ?? "-";
      return {
        error: "TooManyRejectedRows",
        cause: `${report.rejected} of ${report.rows} rows were rejected (${(100 * report.rejectedShare).toFixed(1)}%), over data.maxRejectedShare ${(100 * report.maxRejectedShare).toFixed(1)}%. First: ${first}. The rows and reasons are in the run's quarantine/ folder.`,
      };
    }
    if (report.passed === false) {
      return {
        error: "DataRejected",
        // The report says why; the job's own error would repeat it.
        cause: report.problem
          ? `The data set cannot be trained on: ${report.problem}.`
          : `The data set cannot be trained on (${report.rows} rows; the train or test split is empty). Add rows or change data.split.`,
      };
    }
  } catch (error) {
    logger().info("No readable data-prep report", { error: String(error) });
  }
  return { error: "DataPreparationFailed", cause: jobCause };
}

// ----------------------------------------------------------------------------- experiments

export async function trackExperiment(
  request: RequestOf<"trackExperiment">,
): Promise<{ experimentName: string; trialName: string }> {
  const { experimentName, trialName } = request;
  const tags = [
    { Key: "mlops:run", Value: request.runId ?? "" },
    { Key: "mlops:commit", Value: request.commitId ?? "" },
  ];
  try {
    await sagemaker().send(
      new CreateExperimentCommand({
        ExperimentName: experimentName,
        Description: "Continuous ML pipeline runs",
      }),
    );
  } catch (error) {
    if (!alreadyExists(error)) throw error;
  }
  try {
    await sagemaker().send(
      new CreateTrialCommand({ TrialName: trialName, ExperimentName: experimentName, Tags: tags }),
    );
  } catch (error) {
    if (!alreadyExists(error)) throw error;
  }
  return { experimentName, trialName };
}

// ----------------------------------------------------------------------------- evaluation

async function readPredictions(prefixUri: string) {
  const { bucket, key } = parseS3Uri(prefixUri);
  const scored = [];
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith(".out")) continue;
      scored.push(...parsePredictions(await readText(`s3://${bucket}/${object.Key}`), object.Key));
    }
    token = page.NextContinuationToken;
  } while (token);
  if (scored.length === 0) throw new Error(`no batch-transform output (*.out) under ${prefixUri}`);
  return scored;
}

/** The test AUC of the newest approved model in the group (the one production runs), if any. */
export async function productionAuc(groupName: string): Promise<number | null> {
  const list = await sagemaker().send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: groupName,
      ModelApprovalStatus: "Approved",
      SortBy: "CreationTime",
      SortOrder: "Descending",
      MaxResults: 1,
    }),
  );
  const arn = list.ModelPackageSummaryList?.[0]?.ModelPackageArn;
  if (!arn) return null;
  const described = await sagemaker().send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
  const value = Number(described.CustomerMetadataProperties?.testAuc);
  return Number.isFinite(value) ? value : null;
}

/** The gate decision in words; the Choice state decides, this explains. */
export function judge(
  metrics: { auc: number; error: number },
  gate: GateThresholds,
  production: number | null,
) {
  const reasons: string[] = [];
  const fmt = (n: number) => n.toFixed(4);
  reasons.push(
    metrics.auc >= gate.minTestAuc
      ? `test AUC ${fmt(metrics.auc)} ≥ ${gate.minTestAuc}`
      : `test AUC ${fmt(metrics.auc)} < ${gate.minTestAuc} (gate.minTestAuc)`,
  );
  reasons.push(
    metrics.error <= gate.maxTestError
      ? `test error ${fmt(metrics.error)} ≤ ${gate.maxTestError}`
      : `test error ${fmt(metrics.error)} > ${gate.maxTestError} (gate.maxTestError)`,
  );
  const floor = production === null ? null : production - gate.productionAucTolerance;
  const notWorse = !gate.notWorseThanProduction || floor === null || metrics.auc >= floor - 1e-12;
  if (gate.notWorseThanProduction) {
    const allowance = gate.productionAucTolerance ? ` − ${gate.productionAucTolerance} tolerance` : "";
    reasons.push(
      production === null
        ? "no production model to compare with"
        : notWorse
          ? `not worse than production (AUC ${fmt(production)}${allowance})`
          : `worse than production (AUC ${fmt(metrics.auc)} < ${fmt(production)}${allowance}, gate.notWorseThanProduction)`,
    );
  }
  const passed = metrics.auc >= gate.minTestAuc && metrics.error <= gate.maxTestError && notWorse;
  return {
    passed,
    notWorse,
    summary: `Gate ${passed ? "passed" : "rejected the model"}: ${reasons.join("; ")}.`,
  };
}

export async function evaluate(request: RequestOf<"evaluate">): Promise<Evaluation> {
  const { gate } = request;
  const scored = await readPredictions(request.predictionsUri);
  const metrics = binaryMetrics(scored);
  const production = gate.notWorseThanProduction ? await productionAuc(request.modelPackageGroupName) : null;
  const verdict = judge(metrics, gate, production);
  const { bucket, key } = parseS3Uri(request.evaluationUri);
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(modelQualityReport(metrics), null, 2),
      ContentType: "application/json",
    }),
  );
  const { roc: _roc, ...summary } = metrics;
  logger().info("Evaluated on the test split", {
    auc: metrics.auc,
    error: metrics.error,
    passed: verdict.passed,
  });
  return {
    testAuc: metrics.auc,
    testError: metrics.error,
    productionAuc: production,
    notWorseThanProduction: verdict.notWorse,
    gate,
    passed: verdict.passed,
    summary: verdict.summary,
    metrics: summary,
  };
}

// ----------------------------------------------------------------------------- endpoints

/**
 * What each endpoint status means for a deployment, for every status SageMaker's API lists
 * (`DescribeEndpoint` EndpointStatus; the contract tests compare this table with the API models):
 * - busy: SageMaker is working on it; wait, then look again.
 * - broken: it cannot serve or be updated. "DeleteEndpoint is the only operation that can be performed
 *   on a failed endpoint" (EndpointStatus, SageMaker API reference); UpdateRollbackFailed leaves a mix
 *   of old and new configurations, OutOfService takes no requests. The test endpoint is recreated.
 */
export const ENDPOINT_STATUS = {
  InService: "ready",
  Creating: "busy",
  Updating: "busy",
  SystemUpdating: "busy",
  RollingBack: "busy",
  Deleting: "deleting",
  Failed: "broken",
  UpdateRollbackFailed: "broken",
  OutOfService: "broken",
} as const satisfies Record<EndpointStatus, "ready" | "busy" | "deleting" | "broken">;

type EndpointKind = (typeof ENDPOINT_STATUS)[EndpointStatus];

/** The kind of a status; a status this code does not know is a failure, never a wait. */
export function endpointKind(status: string | undefined): EndpointKind | "unknown" {
  return status !== undefined && status in ENDPOINT_STATUS
    ? ENDPOINT_STATUS[status as EndpointStatus]
    : "unknown";
}

async function describeEndpoint(name: string) {
  try {
    return await sagemaker().send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

const reason = (described: { FailureReason?: string }) =>
  described.FailureReason ?? "no failure reason given";

/**
 * "You cannot convert your instance-based, real-time endpoint to a serverless endpoint. If you try
 * to update your real-time endpoint to serverless, you receive a ValidationError message. You can
 * convert a serverless endpoint to real-time" (SageMaker guide, Serverless Inference, feature
 * exclusions: https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html).
 */
function cannotUpdateTo(
  described: DescribeEndpointCommandOutput,
  kind: "instance" | "serverless" | undefined,
) {
  const serverlessNow = (described.ProductionVariants ?? []).some((v) => v.CurrentServerlessConfig);
  return kind === "serverless" && !serverlessNow;
}

/** How to deploy to an endpoint: create it, update it, or recreate a broken one. */
export async function findEndpoint(
  request: RequestOf<"findEndpoint">,
): Promise<{ exists: boolean; status: string; action: "create" | "update" | "recreate" }> {
  const name = request.endpointName;
  const described = await describeEndpoint(name);
  if (!described) return { exists: false, status: "Missing", action: "create" };
  const status = described.EndpointStatus ?? "Unknown";
  switch (endpointKind(status)) {
    case "ready":
      if (cannotUpdateTo(described, request.kind)) {
        logger().warn("Replacing an instance endpoint with a serverless one", { endpoint: name });
        return { exists: true, status, action: "recreate" };
      }
      return { exists: true, status, action: "update" };
    case "broken":
      logger().warn("Recreating a broken endpoint", { endpoint: name, status, reason: reason(described) });
      return { exists: true, status, action: "recreate" };
    case "busy":
    case "deleting":
      throw new EndpointPending(`Endpoint ${name} is ${status}; waiting before deploying to it`);
    default:
      throw new EndpointFailed(`Endpoint ${name} is in status ${status}, which this pipeline does not know`);
  }
}

export async function checkEndpoint(
  request: RequestOf<"checkEndpoint">,
): Promise<{ status: string; endpointConfigName: string }> {
  const name = request.endpointName;
  const expected = request.expectedConfigName;
  const described = await sagemaker().send(new DescribeEndpointCommand({ EndpointName: name }));
  const status = described.EndpointStatus ?? "Unknown";
  const kind = endpointKind(status);
  if (kind === "busy") throw new EndpointPending(`Endpoint ${name} is ${status}`);
  if (kind !== "ready") throw new EndpointFailed(`Endpoint ${name} is ${status}: ${reason(described)}`);
  if (described.EndpointConfigName !== expected) {
    throw new EndpointFailed(
      `Endpoint ${name} is InService on ${described.EndpointConfigName}, not the new ${expected}: the update failed and was rolled back (${reason(described)})`,
    );
  }
  return { status, endpointConfigName: expected };
}

/** After DeleteEndpoint: pending while SageMaker deletes, done when the endpoint is gone. */
export async function checkEndpointDeleted(
  request: RequestOf<"checkEndpointDeleted">,
): Promise<{ deleted: true }> {
  const name = request.endpointName;
  const described = await describeEndpoint(name);
  if (!described) return { deleted: true };
  const status = described.EndpointStatus ?? "Unknown";
  if (endpointKind(status) === "deleting") throw new EndpointPending(`Endpoint ${name} is ${status}`);
  throw new EndpointFailed(`Endpoint ${name} was to be deleted, and is ${status}: ${reason(described)}`);
}

const ACTIONS: { [A in Action]: (request: RequestOf<A>) => Promise<unknown> } = {
  explainDataFailure,
  trackExperiment,
  evaluate,
  findEndpoint,
  checkEndpoint,
  checkEndpointDeleted,
};

export async function handler(raw: unknown): Promise<unknown> {
  const request = parseControllerRequest(raw);
  return (ACTIONS[request.action] as (request: ControllerRequest) => Promise<unknown>)(request);
}
