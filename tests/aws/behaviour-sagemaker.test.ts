import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpointKind } from "../../functions/controller";
import type { LocalAccount } from "../../local/aws/account";
import { SageMakerHosting } from "../../local/aws/sagemaker-hosting";
import { LocalHosting } from "../../local/aws/hosting";
import { prodDeploymentOf } from "../../local/release/prod-deployment";
import { LocalAwsState } from "../../local/aws/state";
import { failure, row } from "../helpers/behaviour-row";
import { defaultAccount } from "../helpers/local-account";
import { withoutStatement } from "../helpers/planted-deployment";

/**
 * SageMaker's hosting rows of the behaviour table against the local control plane, with the
 * deployed stacks' roles. Loading a model is the worker's job, tested elsewhere; here a model loads
 * when its artifact is a gzip archive, as the worker's first check would decide.
 */

const GZIP = Buffer.from([0x1f, 0x8b]);

class ArchiveCheckingHosting extends LocalHosting {
  constructor(private readonly state: LocalAwsState) {
    super(state);
  }

  override async ensureLoaded(model: string): Promise<void> {
    const entry = this.state.models.get(model)!;
    if (!readFileSync(entry.artifactPath).subarray(0, 2).equals(GZIP))
      throw new Error("the artifact is not a gzip archive");
  }
}

/** A fresh local SageMaker over the deployment, with a good and a broken model artifact. */
async function localSageMaker(account?: LocalAccount) {
  account ??= await defaultAccount();
  const dir = mkdtempSync(join(tmpdir(), "sm-behaviour-"));
  const world = new LocalAwsState(dir, String(account.deployment.test.outputs.stagingBucketName), dir);
  const good = world.uri("runs/x/model/model.tar.gz");
  const broken = world.uri("runs/x/model/broken.tar.gz");
  world.write(good, Buffer.concat([GZIP, Buffer.from("model")]));
  world.write(broken, "not an archive");
  const sageMaker = new SageMakerHosting(world, new ArchiveCheckingHosting(world), account);
  const role = String(account.deployment.test.outputs.sageMakerRoleArn);
  const model = (name: string, artifact = good) =>
    sageMaker.createModel({
      ModelName: name,
      PrimaryContainer: { Image: "img", ModelDataUrl: artifact },
      ExecutionRoleArn: role,
    });
  const config = (name: string, modelName: string, serverless = false) =>
    sageMaker.createEndpointConfig({
      EndpointConfigName: name,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: modelName,
          ...(serverless
            ? { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }
            : { InstanceType: "ml.m5.large", InitialInstanceCount: 2 }),
        },
      ],
    });
  return { account, world, sageMaker, model, config, broken };
}

const ARN = "arn:aws:sagemaker:[a-z0-9-]+:\\d{12}";

describe("AWS behaviour of SageMaker hosting, row by row (local/aws/behaviour.ts)", function () {
  this.timeout(60_000);

  row("sageMakerCreateExisting", "a name in use, in any case, is refused with its ARN", async () => {
    const { sageMaker, model, config } = await localSageMaker();
    model("m1");
    config("c1", "m1");
    await sageMaker.createEndpoint({ EndpointName: "Churn", EndpointConfigName: "c1" });
    const again = await failure(() => model("M1"));
    assert.equal((again as { code?: string }).code, "ValidationException");
    assert.match(again.message, new RegExp(`^Cannot create already existing model "${ARN}:model/m1"\\.$`));
    assert.match((await failure(() => config("C1", "m1"))).message, /existing endpoint configuration/);
    const endpoint = await failure(
      sageMaker.createEndpoint({ EndpointName: "churn", EndpointConfigName: "c1" }),
    );
    assert.match(endpoint.message, new RegExp(`existing endpoint "${ARN}:endpoint/churn"`));
  });

  row(
    "sageMakerNotFound",
    "a missing endpoint, configuration or model is a ValidationException",
    async () => {
      const { sageMaker, config } = await localSageMaker();
      const endpoint = await failure(() => sageMaker.describeEndpoint({ EndpointName: "none" }));
      assert.equal((endpoint as { code?: string }).code, "ValidationException");
      assert.match(endpoint.message, new RegExp(`^Could not find endpoint "${ARN}:endpoint/none"\\.$`));
      assert.match(
        (await failure(() => config("c1", "ghost"))).message,
        /Could not find model ".*:model\/ghost"/,
      );
      const update = await failure(
        sageMaker.updateEndpoint({ EndpointName: "none", EndpointConfigName: "c1" }),
      );
      assert.match(update.message, /Could not find endpoint/);
    },
  );

  row(
    "sageMakerUpdateInProgress",
    "an endpoint being updated takes no other update or deletion",
    async () => {
      const { sageMaker, model, config, world } = await localSageMaker();
      model("m1");
      config("c1", "m1");
      config("c2", "m1");
      await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "c1" });
      const first = sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "c2" });
      assert.equal(world.endpoints.get("e")?.status, "Updating");
      // Both calls are made while the update runs (each checks the status before it yields).
      const second = failure(sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "c1" }));
      const deletion = failure(() => sageMaker.deleteEndpoint({ EndpointName: "e" }));
      assert.match(
        (await second).message,
        new RegExp(`^Cannot update in-progress endpoint "${ARN}:endpoint/e"\\.$`),
      );
      assert.match((await deletion).message, /in-progress/);
      await first;
      assert.equal(world.endpoints.get("e")?.status, "InService");
      assert.equal(world.endpoints.get("e")?.configName, "c2");
    },
  );

  row(
    "sageMakerEndpointStatus",
    "Failed takes only a deletion; a failed update keeps serving the old config; a failed rollback is UpdateRollbackFailed",
    async () => {
      const { sageMaker, model, config, world, broken } = await localSageMaker();
      model("good");
      model("bad", broken);
      config("c-good", "good");
      config("c-bad", "bad");
      config("c-next", "good");
      // A creation that fails leaves the endpoint Failed, and only DeleteEndpoint works on it.
      await sageMaker.createEndpoint({ EndpointName: "new", EndpointConfigName: "c-bad" });
      assert.equal(world.endpoints.get("new")?.status, "Failed");
      const update = await failure(
        sageMaker.updateEndpoint({ EndpointName: "new", EndpointConfigName: "c-good" }),
      );
      assert.match(
        update.message,
        /DeleteEndpoint is the only operation that can be performed on a failed endpoint/,
      );
      sageMaker.deleteEndpoint({ EndpointName: "new" });
      assert.equal(world.endpoints.has("new"), false);
      // An update that fails leaves the endpoint in service on its previous configuration.
      await sageMaker.createEndpoint({ EndpointName: "live", EndpointConfigName: "c-good" });
      await sageMaker.updateEndpoint({ EndpointName: "live", EndpointConfigName: "c-bad" });
      const described = sageMaker.describeEndpoint({ EndpointName: "live" });
      assert.equal(described.EndpointStatus, "InService");
      assert.equal(described.EndpointConfigName, "c-good");
      assert.match(String(described.FailureReason), /could not load the model/);
      // Both the update and its rollback fail: in service with a mix, which the pipeline replaces.
      sageMaker.failNextUpdate("live", { rollbackFails: true });
      await sageMaker.updateEndpoint({ EndpointName: "live", EndpointConfigName: "c-next" });
      const mixed = sageMaker.describeEndpoint({ EndpointName: "live" });
      assert.equal(mixed.EndpointStatus, "UpdateRollbackFailed");
      assert.equal(endpointKind(String(mixed.EndpointStatus)), "broken", "the controller recreates it");
      await sageMaker.updateEndpoint({ EndpointName: "live", EndpointConfigName: "c-next" });
      assert.equal(world.endpoints.get("live")?.status, "InService", "an update restores it");
    },
  );

  row(
    "sageMakerEndpointKindChange",
    "instances to serverless is refused; serverless to instances is not",
    async () => {
      const { sageMaker, model, config, world } = await localSageMaker();
      model("m1");
      config("instances", "m1");
      config("serverless", "m1", true);
      config("instances-again", "m1");
      await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "instances" });
      const refused = await failure(
        sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "serverless" }),
      );
      assert.match(
        refused.message,
        /Updating a real-time inference endpoint to a serverless endpoint is not supported/,
      );
      sageMaker.deleteEndpoint({ EndpointName: "e" });
      await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "serverless" });
      await sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "instances-again" });
      assert.equal(world.endpoints.get("e")?.configName, "instances-again");
    },
  );

  row(
    "sageMakerDeleteInUseConfig",
    "deleting a configuration in use succeeds; the endpoint keeps serving it, and cannot return to it",
    async () => {
      const { sageMaker, model, config } = await localSageMaker();
      model("m1");
      config("c1", "m1");
      config("c2", "m1");
      await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "c1" });
      sageMaker.deleteEndpointConfig({ EndpointConfigName: "c1" });
      const described = sageMaker.describeEndpoint({ EndpointName: "e" });
      assert.equal(described.EndpointStatus, "InService");
      assert.deepEqual(
        (described.ProductionVariants as { VariantName: string }[]).map((v) => v.VariantName),
        ["AllTraffic"],
      );
      await sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "c2" });
      const back = await failure(sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "c1" }));
      assert.match(back.message, /Could not find endpoint configuration ".*:endpoint-config\/c1"/);
    },
  );

  row("sageMakerBlueGreen", "a linear step under 10% or a timeout under the waits is refused", async () => {
    const { sageMaker, model, config } = await localSageMaker();
    model("m1");
    config("c1", "m1");
    config("c2", "m1");
    await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "c1" });
    const policy = (step: number, wait: number, timeout: number) => ({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: "LINEAR",
          WaitIntervalInSeconds: wait,
          LinearStepSize: { Type: "CAPACITY_PERCENT", Value: step },
        },
        TerminationWaitInSeconds: 0,
        MaximumExecutionTimeoutInSeconds: timeout,
      },
    });
    const update = (deployment: Record<string, unknown>) =>
      sageMaker.updateEndpoint({ EndpointName: "e", EndpointConfigName: "c2", DeploymentConfig: deployment });
    assert.match(
      (await failure(update(policy(5, 60, 3600)))).message,
      /LinearStepSize must be 10-50% .*it is 5%/,
    );
    assert.match(
      (await failure(update(policy(10, 600, 3600)))).message,
      /MaximumExecutionTimeoutInSeconds \(3600\) must be larger than the total waiting time .*\(6000 s\)/,
    );
    await update(policy(25, 600, 3600));
  });

  row(
    "sageMakerRollbackAlarms",
    "the model's execution role must be allowed to describe the rollback alarms",
    async () => {
      const deployed = await defaultAccount();
      const { deploymentConfig } = prodDeploymentOf(deployed);
      assert.ok(deploymentConfig?.AutoRollbackConfiguration, "the prod endpoint rolls back on alarms");
      const roll = async (account: LocalAccount) => {
        const { sageMaker, model, config, world } = await localSageMaker(account);
        model("m1");
        config("c1", "m1");
        config("c2", "m1");
        await sageMaker.createEndpoint({ EndpointName: "e", EndpointConfigName: "c1" });
        await sageMaker.updateEndpoint({
          EndpointName: "e",
          EndpointConfigName: "c2",
          DeploymentConfig: deploymentConfig,
        });
        return world.endpoints.get("e")!;
      };
      assert.equal((await roll(deployed)).configName, "c2");
      // Planted: the role without its DescribeAlarms statement; SageMaker cannot watch the rollout.
      const planted = await roll(
        await defaultAccount(withoutStatement("mlops-sagemaker-role", "ReadRollbackAlarms")),
      );
      assert.equal(planted.configName, "c1");
      assert.match(
        String(planted.failureReason),
        /not authorized to perform: cloudwatch:DescribeAlarms on resource: arn:aws:cloudwatch:.*:alarm:/,
      );
    },
  );
});
