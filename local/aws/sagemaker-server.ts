import { listen, readBody } from "./http";
import { localArn, type LocalAwsState } from "./state";
import type { LocalAccount } from "./account";
import { AccessDenied } from "./iam/denial";
import { requestsFor } from "./iam/sdk-requests";
import { accessKeyOf } from "./identity";
import type { SageMakerHosting } from "./sagemaker-hosting";
import { ServiceError } from "./service-error";
import { validateInput, validationMessage } from "./validate";

/**
 * A local SageMaker control plane for the calls the controller makes (experiments, endpoint status,
 * model registry), speaking the service's JSON protocol so the real SDK client works unchanged.
 * Each request is validated against the API model and authorized as its signer before it is served.
 */

type Handler = (world: LocalAwsState, input: Record<string, unknown>, hosting: SageMakerHosting) => unknown;

const OPERATIONS: Record<string, Handler> = {
  CreateExperiment: (world, input) => {
    const name = String(input.ExperimentName);
    if (world.experiments.has(name))
      throw new ServiceError("ValidationException", `Experiment ${name} already exists.`);
    world.experiments.add(name);
    return { ExperimentArn: localArn("sagemaker", `experiment/${name.toLowerCase()}`) };
  },
  CreateTrial: (world, input) => {
    const name = String(input.TrialName);
    if (world.trials.has(name)) throw new ServiceError("ResourceInUse", `Trial ${name} already exists.`);
    world.trials.add(name);
    return { TrialArn: localArn("sagemaker", `experiment-trial/${name.toLowerCase()}`) };
  },
  DescribeEndpoint: (_world, input, hosting) => hosting.describeEndpoint(input),
  ListModelPackages: (world, input) => {
    const group = String(input.ModelPackageGroupName);
    const list = world
      .packages()
      .filter(
        (p) => p.group === group && (!input.ModelApprovalStatus || p.status === input.ModelApprovalStatus),
      )
      .sort((a, b) => (input.SortOrder === "Ascending" ? a.version - b.version : b.version - a.version))
      .slice(0, Number(input.MaxResults ?? 100));
    return {
      ModelPackageSummaryList: list.map((p) => ({
        ModelPackageArn: p.arn,
        ModelPackageGroupName: p.group,
        ModelPackageVersion: p.version,
        ModelApprovalStatus: p.status,
        ModelPackageStatus: "Completed",
        CreationTime: Date.parse(p.createdAt) / 1000,
      })),
    };
  },
  DescribeModelPackage: (world, input) => {
    const found = world.packages().find((p) => p.arn === input.ModelPackageName);
    if (!found)
      throw new ServiceError(
        "ValidationException",
        `Model package ${String(input.ModelPackageName)} does not exist.`,
      );
    return {
      ModelPackageArn: found.arn,
      ModelPackageGroupName: found.group,
      ModelPackageVersion: found.version,
      ModelApprovalStatus: found.status,
      ModelPackageStatus: "Completed",
      CustomerMetadataProperties: found.customerMetadata,
      CreationTime: Date.parse(found.createdAt) / 1000,
    };
  },
};

/** Checks who calls and what, then serves: ValidationException, AccessDeniedException, or the answer. */
function call(
  services: { world: LocalAwsState; account: LocalAccount; hosting: SageMakerHosting },
  operation: string,
  input: Record<string, unknown>,
  authorization: string | undefined,
) {
  const { world, account, hosting } = services;
  const handler = OPERATIONS[operation];
  if (!handler)
    throw new ServiceError("UnknownOperationException", `${operation || "(none)"} is not supported locally`);
  const violations = validateInput("sagemaker", operation, input);
  if (violations.length > 0) throw new ServiceError("ValidationException", validationMessage(violations));
  const session = account.sessionOf(accessKeyOf(authorization));
  if (!session)
    throw new ServiceError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  try {
    account.authorize(
      session,
      requestsFor(session.roleArn, { service: "SageMaker", operation, input }, account.iam),
    );
  } catch (error) {
    if (error instanceof AccessDenied) throw new ServiceError("AccessDeniedException", error.message);
    throw error;
  }
  return handler(world, input, hosting);
}

export async function startSageMaker(world: LocalAwsState, account: LocalAccount, hosting: SageMakerHosting) {
  return listen(async (request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^SageMaker\./, "");
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    };
    try {
      const text = (await readBody(request)).toString("utf8");
      const input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      reply(200, call({ world, account, hosting }, operation, input, request.headers.authorization));
    } catch (error) {
      const type = error instanceof ServiceError ? error.code : "InternalFailure";
      reply(400, { __type: type, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
