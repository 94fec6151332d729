import { dataSetPattern } from "../../config/data-sets";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MlDeploymentSettings } from "../../config/deployment-settings";
import { expandFeatures } from "../../config/ml-config";
import type { AwsContext } from "../shared/aws-context";
import type { ProdAccount } from "../shared/cross-account";
import { forwardDriftAlarm } from "./drift-forwarding";
import { DriftRetraining, type DriftRetrainingArgs } from "./drift-retraining";
import { notificationTopic } from "../shared/topic";
import { apiGatewayAccount } from "./api-gateway-account";
import { dataQualityMonitor } from "./monitoring";
import { sageMakerRuntimeEndpoint, type VpcMode } from "./network";
import { PredictionApi } from "./prediction-api";
import { predictionBackend } from "./prediction-backend";
import { prodEndpoint, type RolloutSettings } from "./prod-endpoint";
import { prodFoundation, type ProdFoundation } from "./prod-foundation";
import { TEST_STACK_OUTPUTS } from "./test-stack-outputs";

export { TEST_STACK_OUTPUTS };

/** The test stack's outputs production uses, by name. */
export type TestStackValues = Record<(typeof TEST_STACK_OUTPUTS)[number], pulumi.Input<string>>;

export interface ProdEnvironmentArgs {
  /** What the test stack shares (its key, staging bucket, model group…), read by the stack entry. */
  readonly testStack: TestStackValues;
  /** Account, region and partition of the stack. */
  readonly ctx: AwsContext;
  /** What the stack deploys from the ML config (endpoint names and sizes, release thresholds, retraining). */
  readonly config: MlDeploymentSettings;
  /** The approved model package version to serve. */
  readonly approvedModelPackageArn: string;
  /** The pipeline run that produced it; its data-quality baseline is what monitoring compares with. */
  readonly approvedRunId: string;
  /** Blue/green traffic shifting. */
  readonly rollout: RolloutSettings;
  /** Share of API requests sent to the microservice's newest version; 0 turns the canary off. */
  readonly apiCanaryPercent: number;
  /** The microservice version the API keeps serving during a canary (the last promoted one). */
  readonly apiStableVersion?: string;
  /** Model Monitor schedule, drift threshold, instance and watched features. */
  readonly monitoring: {
    readonly scheduleExpression: string;
    readonly driftThreshold: number;
    readonly instanceType: string;
    readonly alarmFeatures?: string[];
    readonly silentAfterHours: number;
  };
  /** Email subscribed to the alarms. */
  readonly alarmEmail?: string;
  /** Steady-state and burst request limits for the API. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** VPC mode: run in these subnets and security groups. */
  readonly vpc?: VpcMode;
  /** Retention of the log groups, in days. */
  readonly logRetentionDays: number;
  /**
   * Production in its own account (`ctx` is that account): it gets its own key, bucket and SageMaker
   * role. Without it, production uses the test stack's (one account).
   */
  readonly prodAccount?: ProdAccount;
  /**
   * This stack sets API Gateway's CloudWatch Logs role for its account and region, which the API's
   * logging needs (in one account the test stack does; production in its own account must).
   */
  readonly manageApiGatewayAccount: boolean;
}

/**
 * The production environment: its own endpoint for the approved model (blue/green with alarm
 * rollback, data capture), hourly data-quality monitoring against the approved run's baseline, and
 * the prediction API with a canary stage. Shared resources come from the test stack by reference.
 */
export class ProdEnvironment extends pulumi.ComponentResource {
  readonly endpoint: aws.sagemaker.Endpoint;
  readonly api: PredictionApi;
  readonly alarmTopic: aws.sns.Topic;
  /** Retraining on drift (retraining.onDrift), when production shares the pipeline's account. */
  readonly driftRetraining?: DriftRetraining;

  constructor(name: string, args: ProdEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:environments:ProdEnvironment", name, {}, opts);
    const foundation = prodFoundation(
      name,
      {
        ctx: args.ctx,
        testStack: args.testStack,
        prodAccount: args.prodAccount,
        vpc: args.vpc,
        endpointName: args.config.endpoints.prod.name,
      },
      this,
    );
    refuseForeignModelGroup(args.approvedModelPackageArn, fromTest(args, "modelPackageGroupName"));
    const endpointName = args.config.endpoints.prod.name;
    this.alarmTopic = notificationTopic(
      `${name}-alarms`,
      { displayName: `${endpointName} alarms`, kmsKeyArn: foundation.keyArn, email: args.alarmEmail },
      this,
    );
    this.endpoint = this.serveApprovedModel(name, args, foundation).endpoint;
    const features = expandFeatures(args.config.data.features);
    const monitor = this.monitorDataQuality(name, args, foundation, features);
    this.driftRetraining = this.retrainOnDrift(name, args, {
      alarm: monitor.driftAlarm,
      pipelineName: fromTest(args, "pipelineName"),
      stagingBucketName: fromTest(args, "stagingBucketName"),
      keyArn: foundation.keyArn,
    });
    if (args.vpc) this.runtimeEndpoint(name, args, args.vpc);
    const microservice = predictionBackend(
      `${name}-prod-microservice`,
      {
        stage: "prod",
        endpointName: args.config.endpoints.prod.name,
        featureCount: features.length,
        reservedConcurrency: 100,
        kmsKeyArn: foundation.keyArn,
        logRetentionDays: args.logRetentionDays,
        vpc: args.vpc,
        ctx: args.ctx,
      },
      this,
    );
    this.api = new PredictionApi(
      `${name}-prod-api`,
      {
        backend: microservice,
        stageName: "prod",
        throttle: args.throttle,
        canary: { percent: args.apiCanaryPercent, stableVersion: args.apiStableVersion },
        kmsKeyArn: foundation.keyArn,
        logRetentionDays: args.logRetentionDays,
        accountSettings: args.manageApiGatewayAccount ? apiGatewayAccount(name, args.ctx, this) : undefined,
      },
      { parent: this },
    );
    this.registerOutputs({
      endpointName: this.endpoint.name,
      apiUrl: this.api.url,
      apiDeploymentId: this.api.deployment.id,
    });
  }

  /** The approved model on the blue/green endpoint, capturing its data into production's bucket. */
  private serveApprovedModel(name: string, args: ProdEnvironmentArgs, foundation: ProdFoundation) {
    const endpoint = args.config.endpoints.prod;
    return prodEndpoint(
      `${name}-prod`,
      {
        endpointName: endpoint.name,
        modelPackageArn: args.approvedModelPackageArn,
        executionRoleArn: foundation.sageMakerRoleArn,
        instanceType: endpoint.instanceType,
        initialInstanceCount: endpoint.initialInstanceCount,
        captureSamplingPercent: endpoint.dataCaptureSamplingPercent,
        captureUri: pulumi.interpolate`s3://${foundation.bucket}/capture/${endpoint.name}/`,
        kmsKeyArn: foundation.keyArn,
        rollout: args.rollout,
        thresholds: args.config.release,
        vpc: args.vpc,
      },
      this,
    );
  }

  /** The endpoint's captured data against the approved run's baseline, alarming on drift. */
  private monitorDataQuality(
    name: string,
    args: ProdEnvironmentArgs,
    foundation: ProdFoundation,
    features: string[],
  ) {
    const alarmFeatures = this.watchedFeatures(name, args, features);
    const endpointName = args.config.endpoints.prod.name;
    const runBaseline = pulumi.interpolate`${fromTest(args, "runsPrefix")}${args.approvedRunId}/data/baseline/`;
    return dataQualityMonitor(
      `${name}-monitor`,
      {
        endpoint: this.endpoint,
        endpointName,
        baseline: {
          statisticsUri: pulumi.interpolate`${runBaseline}statistics.json`,
          constraintsUri: pulumi.interpolate`${runBaseline}constraints.json`,
        },
        outputUri: pulumi.interpolate`s3://${foundation.bucket}/monitoring/${endpointName}/`,
        roleArn: foundation.sageMakerRoleArn,
        kmsKeyArn: foundation.keyArn,
        scheduleExpression: args.monitoring.scheduleExpression,
        instanceType: args.monitoring.instanceType,
        alarmFeatures,
        driftThreshold: args.monitoring.driftThreshold,
        silentAfterHours: args.monitoring.silentAfterHours,
        alarmTopicArn: this.alarmTopic.arn,
        vpc: args.vpc,
      },
      this,
    );
  }

  /** The features the drift alarm watches: those configured, or the first ten numeric ones. */
  private watchedFeatures(name: string, args: ProdEnvironmentArgs, features: string[]): string[] {
    const numeric = args.config.data.features.filter((f): f is string => typeof f === "string");
    const alarmFeatures = args.monitoring.alarmFeatures ?? numeric.slice(0, 10);
    const unknown = alarmFeatures.filter((f) => !features.includes(f));
    if (unknown.length > 0) {
      throw new pulumi.ResourceError(
        `ProdEnvironment "${name}": mlops:monitoring.alarmFeatures names unknown features ${JSON.stringify(unknown)}; use names from config/ml-pipeline-config.json`,
        this,
      );
    }
    return alarmFeatures;
  }

  private runtimeEndpoint(name: string, args: ProdEnvironmentArgs, vpc: VpcMode): pulumi.Output<string> {
    return sageMakerRuntimeEndpoint(
      `${name}-sagemaker-runtime`,
      {
        vpc,
        endpointNames: [args.config.endpoints.prod.name],
        otherEndpointNames: [args.config.endpoints.test.name],
        ctx: args.ctx,
      },
      this,
    );
  }

  /**
   * The drift trigger starts the release pipeline and reads the staging bucket, both in the pipeline's
   * account. With production in its own account the alarm is forwarded to that account's event bus,
   * where the test stack's drift trigger listens.
   */
  private retrainOnDrift(
    name: string,
    args: ProdEnvironmentArgs,
    pipeline: Omit<
      DriftRetrainingArgs,
      "ctx" | "dataPrefix" | "dataFilePattern" | "settings" | "alarmTopicArn" | "logRetentionDays"
    >,
  ): DriftRetraining | undefined {
    if (!args.config.retraining.onDrift) return undefined;
    if (args.prodAccount) {
      forwardDriftAlarm(
        `${name}-drift-forward`,
        {
          ctx: args.ctx,
          alarmArn: pipeline.alarm.arn,
          // The model registry is the pipeline account's: the approved package's ARN names it.
          pipelineAccountId: args.approvedModelPackageArn.split(":")[4],
          keyArn: pipeline.keyArn,
          alarmTopicArn: this.alarmTopic.arn,
        },
        this,
      );
      return undefined;
    }
    return new DriftRetraining(
      `${name}-drift-retrain`,
      {
        ...pipeline,
        ctx: args.ctx,
        dataPrefix: args.config.data.stagingPrefix,
        dataFilePattern: dataSetPattern(args.config.data),
        settings: args.config.retraining,
        alarmTopicArn: this.alarmTopic.arn,
        logRetentionDays: args.logRetentionDays,
      },
      { parent: this },
    );
  }
}

function fromTest(args: ProdEnvironmentArgs, key: keyof TestStackValues): pulumi.Output<string> {
  return pulumi.output(args.testStack[key]);
}

/**
 * The test stack registers the models production may serve; an approved package from another group
 * is a misconfigured ARN.
 */
function refuseForeignModelGroup(approvedModelPackageArn: string, testGroup: pulumi.Output<string>) {
  const group = approvedModelPackageArn.split("/").slice(-2)[0];
  testGroup.apply((expected) => {
    if (expected.toLowerCase() !== group) {
      throw new pulumi.RunError(
        `mlops:approvedModelPackageArn points at model group "${group}", but the test stack registers models in "${expected}"; set the ARN of an approved package from that group.`,
      );
    }
  });
}
