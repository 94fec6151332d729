import { strict as assert } from "node:assert";
import { loadMlPipelineConfig } from "../../config/ml-config";
import { tuningInput } from "../../functions/lib/run-input";
import { tuningJobDescription, type TuningRecord } from "../../local/adapters/sagemaker-tuning";
import type { LocalAccount } from "../../local/aws/account";
import type { TrainingRecord } from "../../local/adapters/sagemaker-jobs";
import { AccessDenied } from "../../local/aws/iam/denial";
import { taskRequests } from "../../local/aws/iam/task-requests";
import { checkTaskCall } from "../../local/aws/task-calls";
import { validateShape } from "../../local/aws/validate";
import { failure, row } from "../helpers/behaviour-row";
import { defaultAccount } from "../helpers/local-account";
import { withoutAction } from "../helpers/planted-deployment";
import { TUNING_CONFIG_PATH } from "../helpers/sample-config";

/**
 * The rows of the behaviour table about what a state machine's Tasks meet: how SageMaker authorizes
 * tags on create, the names errors reach Catch under, and what a tuning job's `.sync` returns.
 */

const RUN_ID = "20261128-082410-0123456";

/** The state machine's session, and a training job name its role's resource patterns cover. */
function stateMachineCaller(account: LocalAccount) {
  const machine = account.stateMachine();
  const session = account.assume(machine.roleArn, "states.amazonaws.com", RUN_ID);
  const pattern = account.iam
    .identityPolicies(machine.roleArn)
    .flatMap((p) => p.Statement as { Sid?: string; Resource: string | string[] }[])
    .filter((s) => s.Sid === "TrainAndScore")
    .flatMap((s) => [s.Resource].flat())
    .find((r) => r.includes(":training-job/"))!;
  const jobName = pattern.split("training-job/")[1].replace("*", RUN_ID);
  return { session, jobName, caller: { account, session, endpointConfigKey: () => undefined } };
}

describe("AWS behaviour a state machine's Tasks meet, row by row (local/aws/behaviour.ts)", function () {
  this.timeout(60_000);

  row(
    "sageMakerTagOnCreate",
    "a Create call with Tags also needs sagemaker:AddTags on the new resource",
    async () => {
      const train = (account: LocalAccount, tags: boolean) => {
        const { session, jobName } = stateMachineCaller(account);
        const params = {
          TrainingJobName: jobName,
          RoleArn: String(account.deployment.test.outputs.sageMakerRoleArn),
          ...(tags ? { Tags: [{ Key: "mlops:run", Value: RUN_ID }] } : {}),
        };
        account.authorize(
          session,
          taskRequests("arn:aws:states:::sagemaker:createTrainingJob.sync", params, account.iam),
        );
      };
      const deployed = await defaultAccount();
      train(deployed, true);
      // Planted: the role keeps CreateTrainingJob but loses AddTags; only the tagged call fails.
      const planted = await defaultAccount(
        withoutAction("mlops-ml-pipeline-role", "TrainAndScore", "sagemaker:AddTags"),
      );
      train(planted, false);
      const denied = await failure(() => train(planted, true));
      assert.ok(denied instanceof AccessDenied);
      assert.match(
        denied.message,
        /is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:.*:training-job\//,
      );
    },
  );

  row(
    "stepFunctionsErrorNames",
    "an optimized SageMaker Task's refusal is SageMaker.AmazonSageMakerException, with the Java SDK's cause",
    async () => {
      const { caller } = stateMachineCaller(await defaultAccount());
      const invalid = await failure(() =>
        checkTaskCall(
          "arn:aws:states:::sagemaker:createEndpointConfig",
          { EndpointConfigName: "not a valid name!", ProductionVariants: [] },
          caller,
        ),
      );
      assert.equal(invalid.name, "SageMaker.AmazonSageMakerException");
      assert.match(invalid.message, /Member must satisfy regular expression pattern/);
      assert.match(
        invalid.message,
        /\(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      );
      // An SDK integration's unmodelled error takes the service's base exception.
      const sdk = await failure(() =>
        checkTaskCall(
          "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
          { ModelPackageGroupName: "not-this-pipelines-group", ModelPackageDescription: "x" },
          caller,
        ),
      );
      assert.equal(sdk.name, "SageMaker.SageMakerException");
      assert.match(sdk.message, /Error Code: AccessDeniedException/);
    },
  );

  row(
    "tuningBestTrainingJob",
    "the .sync result is a whole DescribeHyperParameterTuningJob response naming the best job",
    () => {
      const config = loadMlPipelineConfig(TUNING_CONFIG_PATH);
      const tuning = tuningInput(config.training.tuning!, config.training.hyperparameters, `churn-${RUN_ID}`);
      // The Tune state's HyperParameterTuningJobConfig, as infra/ml/state-machine.ts builds it.
      const input = {
        HyperParameterTuningJobName: tuning.jobName,
        HyperParameterTuningJobConfig: {
          Strategy: "Bayesian",
          HyperParameterTuningJobObjective: tuning.objective,
          ResourceLimits: tuning.resourceLimits,
          ParameterRanges: tuning.parameterRanges,
          TrainingJobEarlyStoppingType: "Off",
        },
      };
      const trial = (n: number, objective?: number) => ({
        trainingJobName: `${tuning.jobName}-00${n}-0a1b2c3d`,
        hyperparameters: { eta: `0.${n}` },
        status: objective === undefined ? ("Failed" as const) : ("Completed" as const),
        objective,
        startedAt: 1_764_000_000 + n,
        endedAt: 1_764_000_100 + n,
      });
      const trials = [trial(1, 0.81), trial(2, 0.84), trial(3)];
      const record: TuningRecord = {
        jobName: tuning.jobName,
        objective: tuning.objective,
        trials,
        best: trials[1],
      };
      const jobs = new Map(
        trials.map((t) => [
          t.trainingJobName,
          {
            TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${t.trainingJobName}`,
          } as TrainingRecord,
        ]),
      );
      const response = tuningJobDescription(input as never, record, trials[1], jobs, 1_764_000_000);
      assert.deepEqual(validateShape("sagemaker", "DescribeHyperParameterTuningJobResponse", response), []);
      // The Tune state's ResultSelector reads the winner from it.
      assert.equal(response.BestTrainingJob.TrainingJobName, trials[1].trainingJobName);
      assert.deepEqual(response.ObjectiveStatusCounters, { Succeeded: 2, Pending: 0, Failed: 1 });
      // Planted: a summary without its CreationTime is not what SageMaker returns.
      const { CreationTime: _dropped, ...partial } = response.BestTrainingJob;
      const problems = validateShape("sagemaker", "DescribeHyperParameterTuningJobResponse", {
        ...response,
        BestTrainingJob: partial,
      });
      assert.deepEqual(
        problems.map((p) => `${p.path}: ${p.constraint}`),
        ["bestTrainingJob.creationTime: Member must not be null"],
      );
    },
  );
});
