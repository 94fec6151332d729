import { dataSetPattern } from "../../config/data-sets";
import { awsContext } from "../shared/aws-context";
import type * as pulumi from "@pulumi/pulumi";
import { CicdBackbone } from "../cicd/backbone";
import type { TestStackConfig } from "../stack-config";
import { MlPipeline } from "../ml/ml-pipeline";
import { mlConfigPath, mlPipelineConfig } from "../program-config";
import type { MlDeploymentSettings } from "../../config/deployment-settings";
import { ProjectStorage } from "../storage/project-storage";
import { TestEnvironment } from "../environments/test-environment";
import { driftFromProdAccount } from "../environments/drift-retraining";
import { expandFeatures } from "../../config/ml-config";
import { tagResourcesWithComponent } from "../shared/tags";
import { stackProvider } from "./provider";

/** The test stack: shared storage, the ML pipeline and the CI/CD backbone that runs it. */
export function testStack(
  config: TestStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  const ml = mlPipelineConfig();
  tagResourcesWithComponent();
  const provider = stackProvider(config.region, config.tags);
  const opts = { providers: [provider] };
  const ctx = awsContext(config.region, provider);
  const storage = new ProjectStorage(
    "mlops",
    { ctx, alarmEmail: config.alarmEmail, prodAccount: config.prodAccount },
    opts,
  );
  const pipeline = new MlPipeline(
    "mlops",
    {
      config: ml,
      configPath: mlConfigPath(),
      stagingBucket: storage.stagingBucket,
      key: storage.key,
      deadLetterQueue: storage.deadLetterQueue,
      ctx,
      logRetentionDays: config.logRetentionDays,
      prodAccount: config.prodAccount,
    },
    opts,
  );
  const environment = new TestEnvironment(
    "mlops",
    {
      endpointName: ml.endpoints.test.name,
      featureCount: expandFeatures(ml.data.features).length,
      key: storage.key,
      deadLetterQueue: storage.deadLetterQueue,
      ctx,
      vpc: config.vpc,
      otherEndpointNames: [ml.endpoints.prod.name],
      throttle: config.apiThrottle,
      testSuite: config.testSuite,
      manageApiGatewayAccount: config.manageApiGatewayAccount,
      logRetentionDays: config.logRetentionDays,
    },
    opts,
  );
  const backbone = cicdBackbone(config, ml, storage, { pipeline, environment }, opts);
  // With production in its own account, its drift alarm is forwarded here, where the pipeline is.
  if (config.prodAccount && ml.retraining.onDrift)
    driftFromProdAccount(
      "mlops-drift-retrain",
      {
        ctx,
        prodAccount: config.prodAccount,
        prodEndpointName: ml.endpoints.prod.name,
        pipelineName: backbone.pipeline.name,
        stagingBucketName: storage.stagingBucket.name,
        dataPrefix: ml.data.stagingPrefix,
        dataFilePattern: dataSetPattern(ml.data),
        keyArn: storage.key.arn,
        settings: ml.retraining,
        alarmTopicArn: storage.alarmTopic.arn,
        logRetentionDays: config.logRetentionDays,
      },
      { provider },
    );
  return testStackOutputs(ml, storage, pipeline, environment, backbone);
}

/** The CI/CD backbone, running the ML pipeline's and the test environment's functions. */
function cicdBackbone(
  config: TestStackConfig,
  ml: MlDeploymentSettings,
  storage: ProjectStorage,
  stages: { pipeline: MlPipeline; environment: TestEnvironment },
  opts: pulumi.ComponentResourceOptions,
): CicdBackbone {
  const { pipeline, environment } = stages;
  return new CicdBackbone(
    "mlops",
    {
      storage,
      ctx: storage.ctx,
      repositoryName: config.repositoryName,
      source: config.source,
      branch: config.branch,
      triggerPaths: config.triggerPaths,
      dataPrefix: ml.data.stagingPrefix,
      dataFilePattern: dataSetPattern(ml.data),
      defaultDataKey: `${ml.data.stagingPrefix}${ml.data.fileName}`,
      pulumi: {
        version: config.pulumiVersion,
        backendUrl: config.stateBackendUrl,
        secretsProvider: config.secretsProvider,
        accessTokenParameter: config.pulumiAccessTokenParameter,
        deployRoleArn: config.deployRoleArn,
        previewRoleArn: config.previewRoleArn,
        prodAccount: config.prodAccount,
      },
      build: { image: config.buildImage, computeType: config.buildComputeType },
      logRetentionDays: config.logRetentionDays,
      approvalEmail: config.approvalEmail,
      trainFunction: { functionName: pipeline.pipelineRunner.name, functionArn: pipeline.pipelineRunner.arn },
      testFunction: { functionName: environment.testRunner.name, functionArn: environment.testRunner.arn },
      modelPackageGroupName: pipeline.modelPackageGroup.modelPackageGroupName,
    },
    opts,
  );
}

/** What the stack exports: where to push code and data, and what the prod stack and the tools read. */
function testStackOutputs(
  ml: MlDeploymentSettings,
  storage: ProjectStorage,
  pipeline: MlPipeline,
  environment: TestEnvironment,
  backbone: CicdBackbone,
): Record<string, pulumi.Output<unknown>> {
  return {
    ...(backbone.repository && { repositoryCloneUrlHttp: backbone.repository.cloneUrlHttp }),
    ...(backbone.connection && { sourceConnectionArn: backbone.connection.arn }),
    ...(backbone.connection?.status && { sourceConnectionStatus: backbone.connection.status }),
    stagingBucketName: storage.stagingBucket.name,
    dataUploadPrefix: storage.stagingBucket.name.apply((bucket) => `s3://${bucket}/${ml.data.stagingPrefix}`),
    artifactBucketName: storage.artifactBucket.name,
    kmsKeyArn: storage.key.arn,
    operationsAlarmTopicArn: storage.alarmTopic.arn,
    deadLetterQueueUrl: storage.deadLetterQueue.url,
    pipelineName: backbone.pipeline.name,
    approvalTopicArn: backbone.approvalTopic.arn,
    stateMachineArn: pipeline.stateMachine.arn,
    modelPackageGroupName: pipeline.modelPackageGroup.modelPackageGroupName,
    runsPrefix: pipeline.runsPrefix,
    sageMakerRoleArn: pipeline.sageMakerRole.arn,
    testApiUrl: environment.api.url,
    ...(environment.runtimeEndpointId ? { runtimeVpcEndpointId: environment.runtimeEndpointId } : {}),
    testApiKeyId: environment.api.apiKey.id,
  };
}
