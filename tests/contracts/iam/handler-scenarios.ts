import { GetApiKeyCommand } from "@aws-sdk/client-api-gateway";
import { GetDifferencesCommand } from "@aws-sdk/client-codecommit";
import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  CreateExperimentCommand,
  CreateTrialCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
} from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEvent, CodePipelineEvent } from "aws-lambda";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadMlPipelineConfig } from "../../../config/ml-config";
import fixture from "../../../functions/fixtures/api-test-cases.json";
import { handler as controller } from "../../../functions/controller";
import { handler as dataTrigger, type ObjectCreatedEvent } from "../../../functions/data-trigger";
import { handler as driftTrigger, type AlarmStateChangeEvent } from "../../../functions/drift-trigger";
import { buildRunInput } from "../../../functions/lib/run-input";
import { handler as microservice } from "../../../functions/microservice";
import { parsePayload } from "../../../functions/lib/prediction-payload";
import { handler as pipelineRunner } from "../../../functions/pipeline-runner";
import { handler as pushFilter, type ReferenceEvent } from "../../../functions/push-filter";
import { handler as testRunner } from "../../../functions/test-runner";
import { ML_CONFIG_PATH } from "../../../infra/program-config";
import type { StackIam } from "../../../local/aws/iam/stack-iam";
import type { Mocks } from "./recorder";

/**
 * Scenarios that drive each Lambda handler through every AWS call it can make, with the environment
 * its function has in the offline preview. The IAM contract evaluates what they send.
 */

export interface HandlerScenario {
  /** The handler module under `functions/` (its imported SDK commands must all be exercised). */
  module: string;
  /** The function's logical name in the program. */
  functionName: string;
  stack: "test" | "prod";
  run(mocks: Mocks, environment: Record<string, string>, preview: StackIam): Promise<void>;
}

const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;
const COMMIT = "c0ffee0000000000000000000000000000000000";

function jobEvent(data: Record<string, unknown> = {}): CodePipelineEvent {
  return {
    "CodePipeline.job": {
      id: "11111111-2222-3333-4444-555555555555",
      accountId: "123456789012",
      data: {
        actionConfiguration: { configuration: { FunctionName: "f", UserParameters: "" } },
        inputArtifacts: [{ name: "SourceOutput", revision: COMMIT, location: { type: "S3" } }],
        outputArtifacts: [],
        ...data,
      },
    },
  } as unknown as CodePipelineEvent;
}

/** The run input the pipeline-runner would build in this stack (bucket and group from its environment). */
function runInput(environment: Record<string, string>) {
  return buildRunInput(
    loadMlPipelineConfig(ML_CONFIG_PATH),
    { commitId: COMMIT, source: "push", startedAt: new Date("2026-11-29T10:00:00Z") },
    {
      bucket: environment.STAGING_BUCKET,
      configKey: environment.ML_CONFIG_KEY,
      modelPackageGroupName: environment.MODEL_PACKAGE_GROUP,
      image: "img",
    },
  );
}

const pipelineRunnerScenario: HandlerScenario = {
  module: "pipeline-runner",
  functionName: "mlops-pipeline-runner",
  stack: "test",
  async run(mocks, environment) {
    const executionArn = `${environment.STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${runInput(environment).runId}`;
    mocks.S3.on(GetObjectCommand).resolves(body(readFileSync(ML_CONFIG_PATH, "utf8")));
    mocks.SFN.on(StartExecutionCommand).resolves({ executionArn });
    mocks.CodePipeline.on(PutJobSuccessResultCommand).resolves({});
    mocks.CodePipeline.on(PutJobFailureResultCommand).resolves({});
    await pipelineRunner(jobEvent());
    const token = JSON.stringify({ executionArn, runId: "r" });
    mocks.SFN.on(DescribeExecutionCommand).resolves({ status: "RUNNING" } as never);
    await pipelineRunner(jobEvent({ continuationToken: token }));
    mocks.SFN.on(DescribeExecutionCommand).resolves({ status: "FAILED", error: "E", cause: "c" } as never);
    await pipelineRunner(jobEvent({ continuationToken: token }));
  },
};

const controllerScenario: HandlerScenario = {
  module: "controller",
  functionName: "mlops-controller",
  stack: "test",
  async run(mocks, _environment, preview) {
    // The controller's requests come from the state machine, i.e. from the runner's run input.
    const input = runInput(preview.fn("mlops-pipeline-runner").environment);
    const predictionsKey = `${input.evaluation.outputUri.replace(/^s3:\/\/[^/]+\//, "")}test.csv.out`;
    mocks.S3.on(GetObjectCommand).resolves(body("1,0.9\n0,0.2\n1,0.7\n0,0.4\n"));
    mocks.S3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: predictionsKey }] });
    mocks.S3.on(PutObjectCommand).resolves({});
    mocks.SageMaker.on(CreateExperimentCommand).resolves({});
    mocks.SageMaker.on(CreateTrialCommand).resolves({});
    const group = input.registry.groupName.toLowerCase();
    const packageArn = `arn:aws:sagemaker:us-west-2:123456789012:model-package/${group}/3`;
    mocks.SageMaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [{ ModelPackageArn: packageArn }],
    } as never);
    mocks.SageMaker.on(DescribeModelPackageCommand).resolves({
      CustomerMetadataProperties: { testAuc: "0.8" },
    } as never);
    mocks.SageMaker.on(DescribeEndpointCommand).resolves({
      EndpointStatus: "InService",
      EndpointConfigName: input.endpoint.configName,
    } as never);
    await controller({ action: "explainDataFailure", reportUri: input.data.reportUri, failure: {} });
    await controller({
      action: "trackExperiment",
      experimentName: input.experiment.name,
      trialName: input.experiment.trialName,
      runId: input.runId,
      commitId: COMMIT,
    });
    await controller({
      action: "evaluate",
      predictionsUri: input.evaluation.outputUri,
      evaluationUri: input.evaluation.evaluationUri,
      gate: { ...input.gate, notWorseThanProduction: true },
      modelPackageGroupName: input.registry.groupName,
    });
    await controller({ action: "findEndpoint", endpointName: input.endpoint.name });
    await controller({
      action: "checkEndpoint",
      endpointName: input.endpoint.name,
      expectedConfigName: input.endpoint.configName,
    });
    mocks.SageMaker.on(DescribeEndpointCommand).rejects(
      Object.assign(new Error(`Could not find endpoint "${input.endpoint.name}".`), {
        name: "ValidationException",
      }),
    );
    await controller({ action: "checkEndpointDeleted", endpointName: input.endpoint.name });
  },
};

const pushFilterScenario: HandlerScenario = {
  module: "push-filter",
  functionName: "mlops-push-filter",
  stack: "test",
  async run(mocks, _environment, preview) {
    mocks.CodeCommit.on(GetDifferencesCommand).resolves({
      differences: [{ afterBlob: { path: "infra/index.ts" } }],
    } as never);
    mocks.CodePipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "e-1" });
    const repository = String(
      preview.ofType("aws:codecommit/repository:Repository")[0].inputs.repositoryName,
    );
    await pushFilter({
      detail: {
        event: "referenceUpdated",
        repositoryName: repository,
        referenceType: "branch",
        referenceName: "main",
        commitId: COMMIT,
        oldCommitId: "0".repeat(40),
      },
    } as unknown as ReferenceEvent);
  },
};

const driftTriggerScenario: HandlerScenario = {
  module: "drift-trigger",
  functionName: "mlops-drift-retrain-trigger",
  stack: "prod",
  async run(mocks, environment) {
    mocks.S3.on(GetObjectCommand).resolves(
      body(JSON.stringify({ runs: [{ startedAt: "2026-11-01T00:00:00Z" }] })),
    );
    mocks.S3.on(ListObjectsV2Command).resolves({
      Contents: [
        {
          Key: `${environment.DATA_PREFIX}2026-12/customer-churn-december.csv`,
          Size: 2048,
          LastModified: new Date(),
        },
      ],
    });
    mocks.S3.on(PutObjectCommand).resolves({});
    mocks.CodePipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "e-3" });
    await driftTrigger({
      time: "2026-11-29T10:00:00Z",
      detail: {
        alarmName: environment.ALARM_NAME,
        state: { value: "ALARM", timestamp: "2026-11-29T10:00:00Z" },
      },
    } as unknown as AlarmStateChangeEvent);
  },
};

const dataTriggerScenario: HandlerScenario = {
  module: "data-trigger",
  functionName: "mlops-data-trigger",
  stack: "test",
  async run(mocks, environment) {
    mocks.CodePipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "e-2" });
    await dataTrigger({
      detail: {
        bucket: { name: environment.STAGING_BUCKET },
        object: {
          key: `${environment.DATA_PREFIX}2026-12/customer-churn-december.csv`,
          size: 2048,
          "version-id": "v1",
        },
      },
    } as unknown as ObjectCreatedEvent);
  },
};

function microserviceScenario(functionName: string, stack: "test" | "prod"): HandlerScenario {
  return {
    module: "microservice",
    functionName,
    stack,
    async run(mocks, environment) {
      const features = Array.from({ length: Number(environment.FEATURE_COUNT) }, () => 0);
      mocks.SageMakerRuntime.on(InvokeEndpointCommand).resolves({
        Body: new TextEncoder().encode("0.2"),
      } as never);
      await microservice({ httpMethod: "POST", body: JSON.stringify({ features }) } as APIGatewayProxyEvent);
    },
  };
}

const testRunnerScenario: HandlerScenario = {
  module: "test-runner",
  functionName: "mlops-test-runner",
  stack: "test",
  async run(mocks) {
    mocks.APIGateway.on(GetApiKeyCommand).resolves({ value: "key" });
    mocks.CodePipeline.on(PutJobSuccessResultCommand).resolves({});
    mocks.CodePipeline.on(PutJobFailureResultCommand).resolves({});
    const expected = new Map(fixture.cases.map((c) => [c.features.join(","), c.expectedClass]));
    // The test API, answered in-process by the microservice's own payload rules; its endpoint calls
    // belong to the microservice's role, not the test runner's, so they are not made here.
    const settings = { endpointName: "e", featureCount: 69, threshold: 0.5, maxBatch: 100 };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (_url: string, init: { body: string }) => {
      try {
        const rows = parsePayload(init.body, settings);
        const predictions = rows.map((r) => {
          const probability = expected.get(r.join(",")) ? 0.9 : 0.1;
          return { probability, class: probability >= 0.5 ? 1 : 0 };
        });
        return { status: 200, text: async () => JSON.stringify({ predictions }) };
      } catch (error) {
        return { status: 400, text: async () => JSON.stringify({ message: String(error) }) };
      }
    }) as unknown as typeof fetch;
    try {
      await testRunner(jobEvent());
      mocks.APIGateway.on(GetApiKeyCommand).rejects(new Error("throttled"));
      await testRunner(jobEvent());
    } finally {
      globalThis.fetch = realFetch;
    }
  },
};

export const HANDLER_SCENARIOS: HandlerScenario[] = [
  pipelineRunnerScenario,
  controllerScenario,
  pushFilterScenario,
  dataTriggerScenario,
  driftTriggerScenario,
  microserviceScenario("mlops-microservice", "test"),
  microserviceScenario("mlops-prod-microservice", "prod"),
  testRunnerScenario,
];

/** The `*Command` classes a handler module imports from the AWS SDK: each must appear in its scenarios. */
export function importedCommands(module: string): string[] {
  const source = readFileSync(join(__dirname, "..", "..", "..", "functions", `${module}.ts`), "utf8");
  const imports = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-[a-z-]+"/g)];
  return imports
    .flatMap((m) => m[1].split(","))
    .map((name) => name.trim().replace(/^type\s+/, ""))
    .filter((name) => name.endsWith("Command"))
    .map((name) => name.replace(/Command$/, ""));
}
