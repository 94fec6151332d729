import { listen, readBody } from "./http";
import { localArn, type LocalWorld } from "./world";

/**
 * A local SageMaker control plane for the calls the controller makes (experiments, endpoint status,
 * model registry), speaking the service's JSON protocol so the real SDK client works unchanged.
 */

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (world: LocalWorld, input: Record<string, unknown>) => unknown;

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
  DescribeEndpoint: (world, input) => {
    const endpoint = world.endpoints.get(String(input.EndpointName));
    if (!endpoint)
      throw new ServiceError(
        "ValidationException",
        `Could not find endpoint "${String(input.EndpointName)}".`,
      );
    return {
      EndpointName: endpoint.name,
      EndpointArn: localArn("sagemaker", `endpoint/${endpoint.name.toLowerCase()}`),
      EndpointConfigName: endpoint.configName,
      EndpointStatus: endpoint.status,
      FailureReason: endpoint.failureReason,
      CreationTime: Date.now() / 1000,
      LastModifiedTime: Date.now() / 1000,
    };
  },
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

export async function startSageMaker(world: LocalWorld) {
  return listen(async (request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^SageMaker\./, "");
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    };
    try {
      const handler = OPERATIONS[operation];
      if (!handler)
        throw new ServiceError(
          "UnknownOperationException",
          `${operation || "(none)"} is not supported locally`,
        );
      const text = (await readBody(request)).toString("utf8");
      reply(200, handler(world, text ? (JSON.parse(text) as Record<string, unknown>) : {}));
    } catch (error) {
      const type = error instanceof ServiceError ? error.type : "InternalFailure";
      reply(400, { __type: type, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
