import { z } from "zod";
import type { StateFileKind } from "../run/state-file";
import type { Endpoint, EndpointConfig, Model, ModelPackage } from "./resources";

/** The state files local AWS shares between runs, each with its schema and what to do when it is damaged. */

const REPAIR =
  "Move it aside, or run `npm run runs -- --repair`, which does and rebuilds it from the run records";

const modelPackage = z.looseObject({
  arn: z.string().min(1),
  group: z.string().min(1),
  version: z.number().int().min(1),
  status: z.enum(["PendingManualApproval", "Approved", "Rejected"]),
  statusReason: z.string().optional(),
  createdAt: z.string(),
  modelDataUrl: z.string(),
  modelDataPath: z.string(),
  description: z.string().optional(),
  customerMetadata: z.record(z.string(), z.string()),
  metricsUri: z.string().optional(),
  metricsPath: z.string().optional(),
  statisticsUri: z.string().optional(),
  constraintsUri: z.string().optional(),
});

export const REGISTRY: StateFileKind<{ packages: ModelPackage[] }> = {
  what: "the local model registry",
  schema: z.looseObject({ packages: z.array(modelPackage) }) as z.ZodType<{ packages: ModelPackage[] }>,
  remedy: REPAIR,
};

const named = <T extends z.ZodType>(item: T) => z.array(z.tuple([z.string(), item]));

export interface HostingFile {
  models: [string, Model][];
  endpointConfigs: [string, EndpointConfig][];
  endpoints: [string, Endpoint][];
}

export const HOSTING: StateFileKind<HostingFile> = {
  what: "local SageMaker's models, endpoint configurations and endpoints",
  schema: z.looseObject({
    models: named(z.looseObject({ artifact: z.string(), artifactPath: z.string(), image: z.string() })),
    endpointConfigs: named(
      z.looseObject({ variants: z.array(z.looseObject({ name: z.string(), model: z.string() })) }),
    ),
    endpoints: named(z.looseObject({ name: z.string(), configName: z.string(), status: z.string() })),
  }) as unknown as z.ZodType<HostingFile>,
  remedy:
    "Move it aside or delete it: local SageMaker then starts with no endpoints, and the next run creates the ones it needs",
};
