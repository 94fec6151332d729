import { strict as assert } from "node:assert";
import * as controller from "../../functions/controller";
import { parseControllerRequest } from "../../functions/lib/controller-requests";
import { parseMlPipelineConfig } from "../../config/ml-config";
import { buildRunInput } from "../../functions/lib/run-input";
import { pipelineDefinition } from "../../infra/ml/state-machine";
import { offline, ofType } from "../helpers/offline";
import { sampleConfig } from "../helpers/sample-config";
import {
  checkDefinition,
  reachableStates,
  taskStates,
  type ContractOptions,
  type Definition,
} from "./asl-contract";

/** The error names the controller function raises (its errorType reaches Step Functions as is). */
const controllerErrors = (Object.values(controller) as unknown[])
  .filter((v): v is new (m: string) => Error => typeof v === "function" && v.prototype instanceof Error)
  .map((ErrorClass) => new ErrorClass("probe").name);

const CONTROLLER_ARN = "arn:aws:lambda:us-west-2:123456789012:function:mlops-controller-test";

/** The workflow's branches: tuning or one training job, a serverless or an instance test endpoint. */
const BRANCHES = [
  { tuning: false, serverless: true },
  { tuning: true, serverless: true },
  { tuning: false, serverless: false },
  { tuning: true, serverless: false },
];

/** A branch of the workflow, and optionally the data key the run trains on. */
type Branch = { tuning: boolean; serverless: boolean; dataKey?: string };

function sampleInput(branch: Branch = { tuning: false, serverless: true }) {
  const config = sampleConfig(branch);
  return buildRunInput(
    config,
    {
      commitId: "0123456789abcdef0123456789abcdef01234567",
      source: "push",
      startedAt: new Date("2026-11-29T10:00:00Z"),
      dataKey: branch.dataKey,
    },
    {
      bucket: "mlops-staging-0a1b2c3",
      configKey: "config/ml-pipeline-config.json",
      modelPackageGroupName: "customer-churn-test",
      image: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
    },
  ) as unknown as Record<string, unknown>;
}

function definition(): Definition {
  return pipelineDefinition({
    glueJobName: "mlops-data-prep-test",
    controllerFunctionArn: CONTROLLER_ARN,
    sageMakerRoleArn: "arn:aws:iam::123456789012:role/mlops-sagemaker-role",
    kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-0000-4000-8000-000000000000",
  }) as unknown as Definition;
}

/** The controller's own request parser: what it refuses, in its words. */
function controllerAccepts(payload: unknown): string | undefined {
  try {
    parseControllerRequest(payload);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const options = (branch?: Branch): ContractOptions => ({
  executionInput: sampleInput(branch),
  functionErrors: { [CONTROLLER_ARN]: controllerErrors },
  functionPayloads: { [CONTROLLER_ARN]: controllerAccepts },
  stateSamples: { "$.failure": { Error: "States.TaskFailed", Cause: "Glue job failed" } },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planted defects edit the JSON in place
type EditableStates = Record<string, Record<string, any>>;

/** A copy of the definition with one state changed. */
function planted(change: (states: EditableStates) => void): Definition {
  const copy = structuredClone(definition()) as Definition & { States: EditableStates };
  change(copy.States);
  return copy;
}

describe("AWS contract: Task parameters against the AWS API models", function () {
  this.timeout(120_000);

  it("the controller raises typed errors the state machine can name", () => {
    assert.deepEqual([...controllerErrors].sort(), ["BadRequest", "EndpointFailed", "EndpointPending"]);
  });

  it("every Task of the ML pipeline matches its API operation, result and error names, on every branch", () => {
    const checked = new Set<string>();
    for (const branch of BRANCHES) {
      assert.deepEqual(checkDefinition(definition(), options(branch)), [], JSON.stringify(branch));
      reachableStates(definition() as Definition & { StartAt: string }, sampleInput(branch)).forEach((s) =>
        checked.add(s),
      );
    }
    const unchecked = taskStates(definition()).filter(([name]) => !checked.has(name));
    assert.deepEqual(
      unchecked.map(([name]) => name),
      [],
      "Tasks no branch reaches",
    );
  });

  it("a branch's Tasks are checked only on the runs that take it", () => {
    const noTuning = reachableStates(definition(), sampleInput({ tuning: false, serverless: false }));
    const tuning = reachableStates(definition(), sampleInput({ tuning: true, serverless: true }));
    assert.ok(!noTuning.has("Tune") && noTuning.has("Train") && noTuning.has("CreateEndpointConfig"));
    assert.ok(tuning.has("Tune") && tuning.has("DescribeBestTrainingJob") && !tuning.has("Train"));
    assert.ok(tuning.has("CreateServerlessEndpointConfig") && !tuning.has("CreateEndpointConfig"));
  });

  it("every state machine the test stack declares passes the same check", async () => {
    const run = await offline({ stack: "test" });
    const machines = ofType(run, "aws:sfn/stateMachine:StateMachine");
    assert.ok(machines.length >= 1);
    for (const machine of machines) {
      const declared = JSON.parse(String(machine.inputs.definition)) as Definition;
      assert.ok(taskStates(declared).length >= 10, `${machine.name} has its Tasks`);
      const track = taskStates(declared).find(([n]) => n === "TrackExperiment")![1];
      const fn = String((track.Parameters as Record<string, unknown>).FunctionName);
      for (const branch of BRANCHES) {
        const problems = checkDefinition(declared, {
          executionInput: sampleInput(branch),
          functionErrors: { [fn]: controllerErrors },
        });
        assert.deepEqual(problems, [], `${machine.name} ${JSON.stringify(branch)}`);
      }
    }
  });

  describe("worst-case run inputs: data keys and names as long and as odd as the config and S3 allow", () => {
    /** S3 keys may hold any UTF-8 up to 1,024 bytes; a pipeline variable carries up to 1,000 characters. */
    const KEYS = [
      "datasets/churn (copy), 2025.csv",
      "datasets/données clients – Q1 ✓.csv",
      "datasets/it's 50% off! [final] {v2} #3 & more.csv",
      `datasets/${"deep/".repeat(150)}${"x".repeat(230)}.csv`.slice(0, 1000),
    ];
    const ALARM = "Drift (prod, churn) – data quality, sévère";
    const longest = (branch: Branch) => {
      const doc = JSON.parse(JSON.stringify(sampleConfig(branch))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      doc.name = "a".repeat(47) + "z";
      doc.experiment.name = "e".repeat(48);
      doc.endpoints.test.name = "t".repeat(48);
      doc.endpoints.prod.name = "p".repeat(48);
      return parseMlPipelineConfig(doc, "worst case");
    };
    for (const branch of BRANCHES)
      for (const dataKey of KEYS) {
        it(`${JSON.stringify(branch)}: ${dataKey.slice(0, 48)}${dataKey.length > 48 ? `… (${dataKey.length} characters)` : ""}`, () => {
          const input = buildRunInput(
            longest(branch),
            {
              commitId: "0123456789abcdef0123456789abcdef01234567",
              source: "drift",
              alarm: ALARM,
              startedAt: new Date("2026-12-31T23:59:59Z"),
              dataKey,
            },
            {
              bucket: "mlops-staging-bucket-0a1b2c3",
              configKey: "config/ml-pipeline-config.json",
              modelPackageGroupName: `${"a".repeat(47)}z-test`,
              image: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
            },
          ) as unknown as Record<string, unknown>;
          assert.deepEqual(checkDefinition(definition(), { ...options(branch), executionInput: input }), []);
        });
      }
  });

  describe("catches a planted defect of each kind", () => {
    const TUNING = { tuning: true, serverless: true };
    const cases: [string, (s: EditableStates) => void, RegExp, Branch?][] = [
      [
        "an unknown member",
        (s) => (s.Train.Parameters.AlgorithmSpecification.TrainingImages = "x"),
        /Train: Parameters\.AlgorithmSpecification\.TrainingImages is not a member of AlgorithmSpecification/,
      ],
      [
        "an unknown member set from a path",
        (s) => (s.CreateModel.Parameters["ModelNames.$"] = "$$.Execution.Input.model.name"),
        /CreateModel: Parameters\.ModelNames is not a member of CreateModelInput/,
      ],
      [
        "a missing required member",
        (s) => delete s.CreateModel.Parameters["ModelName.$"],
        /CreateModel: Parameters lacks ModelName, which CreateModelInput requires/,
      ],
      [
        "a value outside an enum",
        (s) => (s.Train.Parameters.AlgorithmSpecification.TrainingInputMode = "Streaming"),
        /TrainingInputMode is "Streaming": Member must satisfy enum value set: \[Pipe, File/,
      ],
      [
        "a structure where the API wants a list",
        (s) => (s.Train.Parameters.InputDataConfig = s.Train.Parameters.InputDataConfig[0]),
        /Train: Parameters\.InputDataConfig must be a list \(InputDataConfig\)/,
      ],
      [
        "an execution-input value of the wrong type",
        (s) =>
          (s.CreateEndpointConfig.Parameters.ProductionVariants[0]["InitialInstanceCount.$"] =
            "$$.Execution.Input.endpoint.name"),
        /InitialInstanceCount \(\$\$\.Execution\.Input\.endpoint\.name\) is "mlops-churn-test": Member must be an integer/,
      ],
      [
        "a path into the execution input that does not exist",
        (s) => (s.CreateModel.Parameters["ModelName.$"] = "$$.Execution.Input.model.nme"),
        /reads \$\$\.Execution\.Input\.model\.nme, which the execution input does not have/,
      ],
      [
        "a result path the API does not return",
        (s) => (s.Train.ResultSelector["modelDataUri.$"] = "$.ModelArtifacts.S3ModelArtifact"),
        /Train: ResultSelector\.modelDataUri\.\$ reads \$\.ModelArtifacts\.S3ModelArtifact/,
      ],
      [
        ".sync on an API that has none",
        (s) => (s.CreateModel.Resource = "arn:aws:states:::sagemaker:createModel.sync"),
        /CreateModel: .*createModel does not support \.sync/,
      ],
      [
        "an error name the service never raises",
        (s) => (s.CreateModel.Retry = [{ ErrorEquals: ["SageMaker.ThrottlingException"], MaxAttempts: 2 }]),
        /CreateModel: Retry matches SageMaker\.ThrottlingException, which .* never raises/,
      ],
      [
        "an SDK-integration error name on an optimized integration",
        (s) => (s.CreateModel.Retry = [{ ErrorEquals: ["SageMaker.SageMakerException"], MaxAttempts: 2 }]),
        /CreateModel: Retry matches SageMaker\.SageMakerException/,
      ],
      [
        "a Catch on an error the function never raises",
        (s) => (s.CheckEndpoint.Catch[0].ErrorEquals = ["EndpointPendingError"]),
        /CheckEndpoint: Catch matches EndpointPendingError/,
      ],
      [
        "a controller payload field the controller does not know",
        (s) => (s.FindEndpoint.Parameters.Payload["endpoint.$"] = "$$.Execution.Input.endpoint.name"),
        /FindEndpoint: the function refuses its Payload: findEndpoint: unknown key endpoint/,
      ],
      [
        "a controller payload without a field the action needs",
        (s) => delete s.CheckEndpoint.Parameters.Payload["expectedConfigName.$"],
        /CheckEndpoint: the function refuses its Payload: checkEndpoint: expectedConfigName = \(missing\)/,
      ],
      [
        "a tuning range where the API wants a list",
        (s) =>
          (s.Tune.Parameters.HyperParameterTuningJobConfig["ParameterRanges.$"] =
            "$$.Execution.Input.tuning.objective"),
        /Tune: .*ParameterRanges .* at 'type' is "Maximize": Member is not in the API's ParameterRanges/,
        TUNING,
      ],
      [
        "a serverless memory size the API does not allow",
        (s) =>
          (s.CreateServerlessEndpointConfig.Parameters.ProductionVariants[0].ServerlessConfig = {
            MemorySizeInMB: 512,
            MaxConcurrency: 5,
          }),
        /CreateServerlessEndpointConfig: .*ServerlessConfig at 'memorySizeInMB' is 512: Member must have value greater than or equal to 1024/,
        TUNING,
      ],
      [
        "a raw data key in the model's lineage metadata (breaks SageMaker's pattern for odd keys)",
        (s) =>
          (s.RegisterModel.Parameters.CustomerMetadataProperties["dataUri.$"] =
            "$$.Execution.Input.data.rawUri"),
        /RegisterModel: Parameters\.CustomerMetadataProperties\.dataUri.* is "s3:\/\/.*churn \(copy\)\.csv": Member must satisfy regular expression pattern/,
        { tuning: false, serverless: true, dataKey: "datasets/churn (copy).csv" },
      ],
      [
        "a controller payload value of the wrong kind",
        (s) => (s.Evaluate.Parameters.Payload["predictionsUri.$"] = "$$.Execution.Input.endpoint.name"),
        /Evaluate: the function refuses its Payload: evaluate: predictionsUri = .*must be an s3:\/\/ URI/,
      ],
    ];
    for (const [what, change, expected, branch] of cases) {
      it(what, () => {
        // By default one training job and an instance endpoint: the branch most cases edit.
        const problems = checkDefinition(
          planted(change),
          options(branch ?? { tuning: false, serverless: false }),
        );
        assert.ok(
          problems.some((p) => expected.test(p)),
          `expected ${expected}, got:\n${problems.join("\n")}`,
        );
      });
    }
  });
});
