import { strict as assert } from "node:assert";
import { buildRunInput } from "../../functions/lib/run-input";
import { sampleConfig } from "../helpers/sample-config";
import { offline } from "../helpers/offline";
import { taskStates, type Definition } from "./asl-contract";
import { denied, type IamRequest } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";
import { resolveParameters, taskRequests } from "../../local/aws/iam/task-requests";

/**
 * The state machine's role against its own Task states: every API call, `.sync` follow-up, PassRole
 * and key use each Task needs, evaluated on the role the offline preview declares.
 */

interface Machine {
  arn: string;
  roleArn: string;
  definition: Definition;
}

async function machines(): Promise<{ preview: StackIam; machines: Machine[] }> {
  const preview = new StackIam(await offline({ stack: "test" }));
  const found = preview.ofType("aws:sfn/stateMachine:StateMachine").map((m) => ({
    arn: String(m.wire?.state.arn),
    roleArn: String(m.inputs.roleArn),
    definition: JSON.parse(String(m.inputs.definition)) as Definition,
  }));
  return { preview, machines: found };
}

/** A run that tunes: its input reaches every Task (both endpoint kinds read the same fields). */
function sampleInput(preview: StackIam) {
  const runner = preview.fn("mlops-pipeline-runner").environment;
  return buildRunInput(
    sampleConfig({ tuning: true, serverless: true }),
    { commitId: "c0ffee".padEnd(40, "0"), source: "push", startedAt: new Date("2026-11-29T10:00:00Z") },
    {
      bucket: runner.STAGING_BUCKET,
      configKey: runner.ML_CONFIG_KEY,
      modelPackageGroupName: runner.MODEL_PACKAGE_GROUP,
      image: "img",
    },
  ) as unknown as Record<string, unknown>;
}

/** Every request the machine's role makes: per Task, plus its own execution encryption. */
function requestsOf(machine: Machine, preview: StackIam): IamRequest[] {
  const input = sampleInput(preview);
  const tasks = taskStates(machine.definition);
  const configState = tasks.find(([, s]) => String(s.Resource).endsWith(":createEndpointConfig"))?.[1];
  const endpointConfigKey = (configState?.Parameters as Record<string, unknown> | undefined)?.KmsKeyId as
    string | undefined;
  const requests: IamRequest[] = tasks.flatMap(([name, state]) =>
    taskRequests(
      String(state.Resource),
      resolveParameters((state.Parameters ?? {}) as Record<string, unknown>, input, {
        // Tuning names its trials `<tuning job>-<trial>-<hash>`; the best one is described.
        "$.bestTrainingJob.jobName": `${String((input.tuning as { jobName: string }).jobName)}-004-0a1b2c3d`,
      }),
      preview,
      {
        endpointConfigKey,
      },
    ).map((r) => ({ ...r, principal: machine.roleArn, because: `Task ${name}` })),
  );
  const key = preview.stateMachineKey(machine.arn);
  if (key) {
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
      requests.push({
        principal: machine.roleArn,
        action,
        resource: key,
        context: {
          "kms:ViaService": `states.${preview.region}.amazonaws.com`,
          "kms:CallerAccount": preview.account,
          "kms:EncryptionContext:aws:states:stateMachineArn": machine.arn,
        },
        because: "its executions are encrypted with a customer-managed key",
      });
    }
  }
  return requests;
}

describe("AWS contract: the state machine's role against its Task states (IAM evaluator)", function () {
  this.timeout(180_000);

  it("every Task's calls, .sync follow-ups, PassRole and key use are allowed", async () => {
    const { preview, machines: found } = await machines();
    assert.equal(found.length, 1);
    for (const machine of found) {
      const requests = requestsOf(machine, preview);
      assert.ok(requests.length >= 30, `${requests.length} requests`);
      assert.deepEqual(await denied(requests, (r) => preview.policiesFor(r)), []);
    }
  });

  describe("catches a planted defect", () => {
    const without = (pattern: RegExp) => async () => {
      const { preview, machines: found } = await machines();
      const machine = found[0];
      const stripped = (r: IamRequest) => {
        const policies = preview.policiesFor(r);
        return {
          ...policies,
          identity: policies.identity.map((doc) => ({
            ...doc,
            Statement: ([] as Record<string, unknown>[])
              .concat(doc.Statement as Record<string, unknown>[])
              .map((s) => ({
                ...s,
                Action: ([] as string[]).concat(s.Action as string[]).filter((a) => !pattern.test(a)),
              }))
              .filter((s) => (s.Action as string[]).length > 0),
          })),
        };
      };
      return denied(requestsOf(machine, preview), stripped);
    };

    it("no events:PutRule: the .sync training job cannot create its managed rule", async () => {
      const problems = await without(/^events:PutRule$/)();
      assert.ok(
        problems.some((p) =>
          /may not events:PutRule on .*StepFunctionsGetEventsForSageMakerTrainingJobsRule \(Task Train\)/.test(
            p,
          ),
        ),
        problems.join("\n"),
      );
    });

    it("no sagemaker:StopHyperParameterTuningJob: a stopped execution could not stop its tuning job", async () => {
      const problems = await without(/^sagemaker:StopHyperParameterTuningJob$/)();
      assert.ok(
        problems.some((p) =>
          /may not sagemaker:StopHyperParameterTuningJob on .*hyper-parameter-tuning-job\/custome-2026.*\(Task Tune\)/.test(
            p,
          ),
        ),
        problems.join("\n"),
      );
    });

    it("no sagemaker:DescribeTrainingJob: the best trial's model could not be read", async () => {
      const problems = await without(/^sagemaker:DescribeTrainingJob$/)();
      assert.ok(
        problems.some(
          (p) => p.includes("DescribeTrainingJob") && p.includes("(Task DescribeBestTrainingJob)"),
        ),
        problems.join("\n"),
      );
    });

    it("no sagemaker:DeleteEndpoint: a Failed endpoint cannot be recreated", async () => {
      const problems = await without(/^sagemaker:DeleteEndpoint$/)();
      assert.ok(
        problems.some(
          (p) => p.includes("may not sagemaker:DeleteEndpoint") && p.includes("DeleteBrokenEndpoint"),
        ),
      );
    });

    it("no iam:PassRole: training cannot hand SageMaker its role", async () => {
      const problems = await without(/^iam:PassRole$/)();
      assert.ok(problems.some((p) => p.includes("may not iam:PassRole") && p.includes("Task Train")));
      assert.ok(problems.some((p) => p.includes("may not iam:PassRole") && p.includes("Task CreateModel")));
    });
  });
});
