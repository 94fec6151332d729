import { strict as assert } from "node:assert";
import type { OfflineRun } from "../../tools/offline/harness";
import { reusedEndpointProblem } from "../../infra/environments/network";
import { authorize, denied } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";
import { auditIam } from "../helpers/iam-audit";
import { offline, ofType, one, statements, VPC_CONFIG } from "../helpers/offline";

/** Prod's functions other than the drift trigger, which reaches only CodePipeline and S3. */
const endpointCallers = (run: Parameters<typeof ofType>[0]) =>
  ofType(run, "aws:lambda/function:Function").filter((f) => !f.name.includes("drift-retrain"));

const VPC = VPC_CONFIG;
type Inputs = Record<string, unknown>;
const field = (value: unknown, ...path: string[]) =>
  path.reduce<unknown>((v, k) => (v as Inputs | undefined)?.[k], value);

describe("ProdEnvironment (prod stack)", () => {
  let run: OfflineRun;
  let test: OfflineRun;
  before(async () => {
    test = await offline({ stack: "test" });
    run = await offline({ stack: "prod" });
  });

  it("reads the test stack by StackReference and uses its outputs", () => {
    const reference = one(run, "pulumi:pulumi:StackReference");
    assert.equal(reference.inputs.name, "test");
    const model = one(run, "aws:sagemaker/model:Model").inputs;
    assert.equal(model.executionRoleArn, test.outputs.sageMakerRoleArn);
    const config = one(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs;
    assert.equal(config.kmsArn ?? config.kmsKeyArn, test.outputs.kmsKeyArn);
    assert.equal(
      field(config, "dataCaptureConfig", "destinationS3Uri"),
      `s3://${String(test.outputs.stagingBucketName)}/capture/mlops-churn-prod/`,
    );
  });

  it("serves the approved package on its own endpoint, capturing data with KMS on two instances", () => {
    const model = one(run, "aws:sagemaker/model:Model").inputs;
    assert.deepEqual(model.primaryContainer, {
      modelPackageName: "arn:aws:sagemaker:us-west-2:123456789012:model-package/customer-churn-test/4",
    });
    assert.equal(model.enableNetworkIsolation, true);
    const config = one(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs;
    const [variant] = config.productionVariants as Inputs[];
    assert.equal(variant.initialInstanceCount, 2);
    const capture = config.dataCaptureConfig as Inputs;
    assert.equal(capture.enableCapture, true);
    assert.equal(capture.initialSamplingPercentage, 20);
    assert.equal(capture.kmsKeyId, test.outputs.kmsKeyArn);
    const endpoint = one(run, "aws:sagemaker/endpoint:Endpoint").inputs;
    assert.equal(endpoint.name, "mlops-churn-prod");
    assert.notEqual(endpoint.name, "mlops-churn-test");
  });

  it("shifts traffic blue/green (canary by default) and rolls back on the 5XX and latency alarms", () => {
    const endpoint = one(run, "aws:sagemaker/endpoint:Endpoint").inputs;
    const policy = field(endpoint, "deploymentConfig", "blueGreenUpdatePolicy") as Inputs;
    assert.deepEqual(policy.trafficRoutingConfiguration, {
      type: "CANARY",
      waitIntervalInSeconds: 300,
      canarySize: { type: "CAPACITY_PERCENT", value: 10 },
    });
    const rollback = field(endpoint, "deploymentConfig", "autoRollbackConfiguration", "alarms") as {
      alarmName: string;
    }[];
    assert.equal(rollback.length, 2);
    const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs);
    const byName = new Map(alarms.map((a) => [a.name, a]));
    const errors = byName.get(rollback[0].alarmName)!;
    const latency = byName.get(rollback[1].alarmName)!;
    // Both thresholds come from the ML config's release section, which local mode's canary reads too.
    const queries = errors.metricQueries as Inputs[];
    assert.deepEqual(
      queries.map((q) => field(q, "metric", "metricName") ?? q.expression),
      ["Invocation5XXErrors", "Invocations", "IF(invocations > 0, 100 * errors / invocations, 0)"],
    );
    assert.equal(errors.threshold, 1, "release.max5xxPercent");
    assert.equal(latency.metricName, "ModelLatency");
    assert.equal(latency.threshold, 500_000, "release.maxModelLatencyMs, in microseconds");
    assert.deepEqual(latency.dimensions, { EndpointName: "mlops-churn-prod", VariantName: "AllTraffic" });
    assert.deepEqual(field(queries[0], "metric", "dimensions"), latency.dimensions);
  });

  it("uses linear shifting when configured", async () => {
    const linear = await offline({
      stack: "prod",
      config: ['rollout={"mode":"LINEAR","stepPercent":25,"waitSeconds":120,"terminationWaitSeconds":60}'],
    });
    const routing = field(
      one(linear, "aws:sagemaker/endpoint:Endpoint").inputs,
      "deploymentConfig",
      "blueGreenUpdatePolicy",
      "trafficRoutingConfiguration",
    );
    assert.deepEqual(routing, {
      type: "LINEAR",
      waitIntervalInSeconds: 120,
      linearStepSize: { type: "CAPACITY_PERCENT", value: 25 },
    });
  });

  it("monitors the prod endpoint hourly against the approved run's baseline, with a drift alarm", () => {
    const job = one(run, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").inputs;
    const baseline = `${String(test.outputs.runsPrefix)}20261128-082410-0123456/data/baseline/`;
    assert.equal(
      field(job, "dataQualityBaselineConfig", "statisticsResource", "s3Uri"),
      `${baseline}statistics.json`,
    );
    assert.equal(
      field(job, "dataQualityBaselineConfig", "constraintsResource", "s3Uri"),
      `${baseline}constraints.json`,
    );
    assert.equal(field(job, "dataQualityJobInput", "endpointInput", "endpointName"), "mlops-churn-prod");
    assert.match(
      String(field(job, "dataQualityAppSpecification", "imageUri")),
      /^000000000000\.dkr\.ecr\.us-west-2\.amazonaws\.com\/sagemaker-model-monitor-analyzer:latest$/,
    );
    assert.equal(field(job, "networkConfig", "enableInterContainerTrafficEncryption"), true);
    assert.equal(field(job, "dataQualityJobOutputConfig", "kmsKeyId"), test.outputs.kmsKeyArn);
    const schedule = one(run, "aws:sagemaker/monitoringSchedule:MonitoringSchedule").inputs;
    assert.equal(
      field(schedule, "monitoringScheduleConfig", "scheduleConfig", "scheduleExpression"),
      "cron(0 * ? * * *)",
    );
    assert.equal(field(schedule, "monitoringScheduleConfig", "monitoringType"), "DataQuality");
    const drift = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").find(
      (a) => a.name === "mlops-monitor-drift-alarm",
    )!.inputs;
    const queries = drift.metricQueries as Inputs[];
    assert.equal(queries.length, 11);
    assert.equal(field(queries[0], "metric", "metricName"), "feature_baseline_drift_Account Length");
    assert.equal(field(queries[0], "metric", "namespace"), "aws/sagemaker/Endpoints/data-metrics");
    assert.deepEqual(field(queries[0], "metric", "dimensions"), {
      Endpoint: "mlops-churn-prod",
      MonitoringSchedule: "mlops-churn-prod-data-quality",
    });
    assert.equal(
      queries[10].expression,
      "MAX([drift0,drift1,drift2,drift3,drift4,drift5,drift6,drift7,drift8,drift9])",
    );
  });

  it("alarms when the monitor falls silent: no drift metric for three hours is itself an alarm", () => {
    const silent = one(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "mlops-monitor-silence-alarm").inputs;
    assert.equal(silent.namespace, "aws/sagemaker/Endpoints/data-metrics");
    assert.equal(silent.metricName, "feature_baseline_drift_Account Length");
    assert.deepEqual(silent.dimensions, {
      Endpoint: "mlops-churn-prod",
      MonitoringSchedule: "mlops-churn-prod-data-quality",
    });
    assert.equal(silent.treatMissingData, "breaching");
    assert.equal(silent.statistic, "SampleCount");
    assert.equal(silent.evaluationPeriods, 3);
    assert.equal(silent.datapointsToAlarm, 3);
    assert.equal(silent.comparisonOperator, "LessThanThreshold");
    const topic = one(run, "aws:sns/topic:Topic");
    assert.deepEqual(silent.alarmActions, [topic.wire!.state.arn]);
  });

  it("serves the API on a traced, logged prod stage", () => {
    const stage = one(run, "aws:apigateway/stage:Stage").inputs;
    assert.equal(stage.stageName, "prod");
    assert.equal(stage.xrayTracingEnabled, true);
    assert.ok(field(stage, "accessLogSettings", "destinationArn"));
  });

  it("a first release serves the microservice's newest version through the stage variable, no canary", () => {
    const stage = one(run, "aws:apigateway/stage:Stage").inputs;
    assert.deepEqual(stage.variables, { microserviceVersion: "1" });
    assert.equal(stage.canarySettings, undefined);
    const integration = one(run, "aws:apigateway/integration:Integration").inputs;
    assert.match(
      String(integration.uri),
      /^arn:aws:apigateway:us-west-2:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:us-west-2:123456789012:function:mlops-prod-microservice-prod:\$\{stageVariables\.microserviceVersion\}\/invocations$/,
    );
    assert.equal(one(run, "aws:lambda/function:Function", "mlops-prod-microservice").inputs.publish, true);
    assert.equal(run.outputs.apiNewestVersion, "1");
  });

  it("a canary sends its share to the newest version while the stage keeps the stable one; both may be invoked", async () => {
    const canary = await offline({ stack: "prod", config: ["apiStableVersion=3", "apiCanaryPercent=25"] });
    const stage = one(canary, "aws:apigateway/stage:Stage").inputs;
    assert.deepEqual(stage.variables, { microserviceVersion: "3" });
    assert.deepEqual(stage.canarySettings, {
      deploymentId: stage.deployment,
      percentTraffic: 25,
      stageVariableOverrides: { microserviceVersion: "1" },
      useStageCache: false,
    });
    const qualifiers = ofType(canary, "aws:lambda/permission:Permission")
      .filter((p) => p.inputs.principal === "apigateway.amazonaws.com")
      .map((p) => p.inputs.qualifier)
      .sort();
    assert.deepEqual(qualifiers, ["1", "3"]);
  });

  it("promotion (stable = newest) and a canary turned off leave one version on the stage", async () => {
    const promoted = await offline({ stack: "prod", config: ["apiStableVersion=1"] });
    assert.equal(one(promoted, "aws:apigateway/stage:Stage").inputs.canarySettings, undefined);
    const off = await offline({ stack: "prod", config: ["apiStableVersion=3", "apiCanaryPercent=0"] });
    const stage = one(off, "aws:apigateway/stage:Stage").inputs;
    assert.equal(stage.canarySettings, undefined);
    assert.deepEqual(stage.variables, { microserviceVersion: "3" }, "the canary's version gets no traffic");
  });

  it("the API's deployment is the stage's own, so replacing it never deletes one a stage still serves", async () => {
    const canary = await offline({ stack: "prod", config: ["apiStableVersion=3"] });
    const deployments = ofType(canary, "aws:apigateway/deployment:Deployment");
    assert.equal(deployments.length, 1);
    const stage = one(canary, "aws:apigateway/stage:Stage").inputs;
    assert.equal(stage.deployment, (stage.canarySettings as Inputs).deploymentId);
  });

  it("without VPC mode: no interface endpoint, functions outside a VPC", () => {
    assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
    for (const f of ofType(run, "aws:lambda/function:Function")) assert.equal(f.inputs.vpcConfig, undefined);
  });

  it("with VPC mode: a private sagemaker.runtime endpoint limited to the prod endpoint, functions and model in the VPC", async () => {
    const vpc = await offline({ stack: "prod", config: [VPC] });
    const endpoint = one(vpc, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs;
    assert.equal(endpoint.serviceName, "com.amazonaws.us-west-2.sagemaker.runtime");
    assert.equal(endpoint.privateDnsEnabled, true);
    assert.equal(endpoint.vpcEndpointType, "Interface");
    const [statement] = statements(endpoint.policy);
    assert.equal(statement.Action, "sagemaker:InvokeEndpoint");
    assert.deepEqual(statement.Resource, [
      "arn:aws:sagemaker:us-west-2:123456789012:endpoint/mlops-churn-prod",
    ]);
    // The functions that call the endpoint; the drift trigger calls only CodePipeline and S3.
    const callers = endpointCallers(vpc);
    assert.ok(callers.length >= 1);
    for (const f of callers) {
      assert.deepEqual(f.inputs.vpcConfig, {
        subnetIds: ["subnet-1", "subnet-2"],
        securityGroupIds: ["sg-1"],
      });
    }
    assert.deepEqual(one(vpc, "aws:sagemaker/model:Model").inputs.vpcConfig, {
      subnets: ["subnet-1", "subnet-2"],
      securityGroupIds: ["sg-1"],
    });
    assert.deepEqual(auditIam(vpc.resources), []);
  });

  it("with VPC mode in one account: the shared SageMaker role may create network interfaces in prod's subnets", async () => {
    const vpc = await offline({ stack: "prod", config: [VPC] });
    const preview = new StackIam(vpc);
    const role = String(test.outputs.sageMakerRoleArn);
    const access = one(vpc, "aws:iam/rolePolicy:RolePolicy", "mlops-sagemaker-vpc-access").inputs;
    assert.equal(access.role, role.split("/").pop());
    const request = (action: string, resource: string) => ({
      principal: role,
      action,
      resource,
      because: "CreateModel in the VPC",
    });
    const subnet = "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-1";
    assert.deepEqual(
      await denied(
        [
          request("ec2:CreateNetworkInterface", subnet),
          request("ec2:CreateNetworkInterface", "arn:aws:ec2:us-west-2:123456789012:security-group/sg-1"),
          request("ec2:CreateNetworkInterface", "arn:aws:ec2:us-west-2:123456789012:network-interface/eni-1"),
          request("ec2:DescribeVpcs", "*"),
        ],
        (r) => preview.policiesFor(r),
      ),
      [],
    );
    const elsewhere = await authorize(
      request("ec2:CreateNetworkInterface", "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-9"),
      preview.policiesFor(request("x", "y")),
    );
    assert.equal(elsewhere.allowed, false, "another subnet");
    const single = await offline({ stack: "prod" });
    assert.equal(
      ofType(single, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.includes("vpc-access")).length,
      0,
    );
  });

  it("test and prod in one VPC: the test stack's endpoint serves both, prod reuses it and creates none", async () => {
    const shared =
      'vpc={"vpcId":"vpc-0abc","subnetIds":["subnet-1"],"securityGroupIds":["sg-1"],"shareRuntimeEndpoint":true}';
    const owner = await offline({ stack: "test", config: [shared] });
    const [statement] = statements(one(owner, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs.policy);
    assert.deepEqual(statement.Resource, [
      "arn:aws:sagemaker:us-west-2:123456789012:endpoint/mlops-churn-test",
      "arn:aws:sagemaker:us-west-2:123456789012:endpoint/mlops-churn-prod",
    ]);
    assert.match(String(owner.outputs.runtimeVpcEndpointId), /^mlops-sagemaker-runtime/);
    const reuse =
      'vpc={"vpcId":"vpc-0abc","subnetIds":["subnet-1"],"securityGroupIds":["sg-1"],"runtimeEndpointId":"vpce-0123abcd"}';
    const user = await offline({ stack: "prod", config: [reuse] });
    assert.equal(
      ofType(user, "aws:ec2/vpcEndpoint:VpcEndpoint").length,
      0,
      "no second private-DNS endpoint in the VPC",
    );
    for (const f of endpointCallers(user))
      assert.deepEqual((f.inputs.vpcConfig as Inputs).subnetIds, ["subnet-1"]);
  });

  it("an endpoint to reuse must be this VPC's private-DNS sagemaker.runtime endpoint serving this stack", () => {
    const good = {
      vpcId: "vpc-0abc",
      serviceName: "com.amazonaws.us-west-2.sagemaker.runtime",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      policy: '{"Resource":["arn:aws:sagemaker:us-west-2:1:endpoint/mlops-churn-prod"]}',
    };
    const expected = { vpcId: "vpc-0abc", region: "us-west-2", endpointNames: ["mlops-churn-prod"] };
    assert.equal(reusedEndpointProblem(good, "vpce-1", expected), undefined);
    const cases: [Partial<typeof good>, RegExp][] = [
      [{ vpcId: "vpc-other" }, /vpce-1 is in vpc-other, not in mlops:vpc\.vpcId vpc-0abc/],
      [
        { serviceName: "com.amazonaws.us-west-2.s3", vpcEndpointType: "Gateway" },
        /is a Gateway endpoint for com\.amazonaws\.us-west-2\.s3/,
      ],
      [{ privateDnsEnabled: false }, /has private DNS off/],
      [
        { policy: '{"Resource":["arn:aws:sagemaker:us-west-2:1:endpoint/mlops-churn-test"]}' },
        /does not let callers invoke mlops-churn-prod; create it with mlops:vpc\.shareRuntimeEndpoint/,
      ],
    ];
    for (const [change, message] of cases)
      assert.match(String(reusedEndpointProblem({ ...good, ...change }, "vpce-1", expected)), message);
  });

  it("refuses a model package from another group, saying which group to use", async () => {
    await assert.rejects(
      offline({
        stack: "prod",
        config: [
          "approvedModelPackageArn=arn:aws:sagemaker:us-west-2:123456789012:model-package/other-group/3",
        ],
      }),
      /points at model group "other-group", but the test stack registers models in "customer-churn-test"/,
    );
  });
});

describe("TestEnvironment (test stack)", () => {
  let run: OfflineRun;
  before(async () => {
    run = await offline({ stack: "test" });
  });

  it("has the prediction API with its test stage, the microservice and the test runner", () => {
    assert.deepEqual(one(run, "aws:apigateway/restApi:RestApi").inputs.endpointConfiguration, {
      types: "REGIONAL",
    });
    const stage = one(run, "aws:apigateway/stage:Stage").inputs;
    assert.equal(stage.stageName, "test");
    assert.equal(stage.canarySettings, undefined);
    const settings = one(run, "aws:apigateway/methodSettings:MethodSettings").inputs.settings as Inputs;
    assert.equal(settings.throttlingRateLimit, 50);
    assert.equal(settings.cacheDataEncrypted, true);
    assert.equal(one(run, "aws:apigateway/method:Method").inputs.apiKeyRequired, true);
    const micro = one(run, "aws:lambda/function:Function", "mlops-microservice").inputs;
    assert.deepEqual(field(micro, "environment", "variables"), {
      POWERTOOLS_SERVICE_NAME: "mlops-microservice",
      ENDPOINT_NAME: "mlops-churn-test",
      FEATURE_COUNT: "69",
    });
    const runner = field(
      one(run, "aws:lambda/function:Function", "mlops-test-runner").inputs,
      "environment",
      "variables",
    ) as Inputs;
    assert.match(
      String(runner.API_URL),
      /^https:\/\/[0-9a-f]{10}\.execute-api\.us-west-2\.amazonaws\.com\/test\/predictions$/,
    );
    assert.equal(runner.MIN_ACCURACY, "0.8");
    assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
  });

  it("with VPC mode: functions in the subnets and a private runtime endpoint for the test endpoint", async () => {
    const vpc = await offline({ stack: "test", config: [VPC] });
    const endpoint = one(vpc, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs;
    assert.equal(endpoint.privateDnsEnabled, true);
    assert.deepEqual(statements(endpoint.policy)[0].Resource, [
      "arn:aws:sagemaker:us-west-2:123456789012:endpoint/mlops-churn-test",
    ]);
    for (const name of ["mlops-microservice", "mlops-test-runner"]) {
      assert.deepEqual(one(vpc, "aws:lambda/function:Function", name).inputs.vpcConfig, {
        subnetIds: ["subnet-1", "subnet-2"],
        securityGroupIds: ["sg-1"],
      });
    }
    assert.deepEqual(auditIam(vpc.resources), []);
  });
});
