import { dataSetPattern } from "../../config/data-sets";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MlDeploymentSettings } from "../../config/deployment-settings";
import { expandFeatures } from "../../config/schema";
import { handler as microserviceHandler } from "../../functions/microservice";
import { arn, type AwsContext } from "../shared/aws-context";
import type { ProdAccount } from "../shared/cross-account";
import { policyDocument } from "../shared/iam";
import type { VpcPlacement } from "../shared/lambda";
import { sageMakerVpcAccess } from "../shared/sagemaker-access";
import { ProdAccountBase } from "../storage/prod-account-base";
import { handlerFunction } from "../shared/lambda";
import { forwardDriftAlarm } from "./drift-forwarding";
import { DriftRetraining, type DriftRetrainingArgs } from "./drift-retraining";
import { notificationTopic } from "../shared/topic";
import { apiGatewayAccount } from "./api-gateway-account";
import { dataQualityMonitor } from "./monitoring";
import { sageMakerRuntimeEndpoint, type VpcMode } from "./network";
import { PredictionApi } from "./prediction-api";
import { prodEndpoint, type RolloutSettings } from "./prod-endpoint";
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
    scheduleExpression: string;
    driftThreshold: number;
    instanceType: string;
    alarmFeatures?: string[];
    silentAfterHours: number;
  };
  /** Email subscribed to the alarms. */
  readonly alarmEmail?: string;
  /** Steady-state and burst request limits for the API. */
  readonly throttle: { rateLimit: number; burstLimit: number };
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
    const group = args.approvedModelPackageArn.split("/").slice(-2)[0];
    const parent = { parent: this };
    const { ctx } = args;
    const fromTest = (key: keyof TestStackValues) => pulumi.output(args.testStack[key]);
    const own =
      args.prodAccount &&
      new ProdAccountBase(
        `${name}-account`,
        {
          ctx,
          pipeline: { bucketName: fromTest("stagingBucketName"), keyArn: fromTest("kmsKeyArn") },
          vpc: args.vpc,
          ruleNamePrefix: `${name}-`,
          endpointName: args.config.endpoints.prod.name,
        },
        parent,
      );
    // One account in VPC mode: the shared SageMaker role also needs network interfaces in prod's subnets.
    if (args.vpc && !own)
      sharedRoleVpcAccess(`${name}-sagemaker-vpc-access`, fromTest("sageMakerRoleArn"), args.vpc, ctx, this);
    const keyArn = own ? own.key.arn : fromTest("kmsKeyArn");
    const bucket = own ? own.dataBucket.name : fromTest("stagingBucketName");
    const sageMakerRoleArn = own ? own.sageMakerRole.arn : fromTest("sageMakerRoleArn");
    const expectedGroup = fromTest("modelPackageGroupName");
    expectedGroup.apply((testGroup) => {
      if (testGroup.toLowerCase() !== group) {
        throw new pulumi.RunError(
          `mlops:approvedModelPackageArn points at model group "${group}", but the test stack registers models in "${testGroup}"; set the ARN of an approved package from that group.`,
        );
      }
    });
    const endpointName = args.config.endpoints.prod.name;
    const runBaseline = pulumi.interpolate`${fromTest("runsPrefix")}${args.approvedRunId}/data/baseline/`;

    this.alarmTopic = notificationTopic(
      `${name}-alarms`,
      { displayName: `${endpointName} alarms`, kmsKeyArn: keyArn, email: args.alarmEmail },
      this,
    );

    const served = prodEndpoint(
      `${name}-prod`,
      {
        endpointName,
        modelPackageArn: args.approvedModelPackageArn,
        executionRoleArn: sageMakerRoleArn,
        instanceType: args.config.endpoints.prod.instanceType,
        initialInstanceCount: args.config.endpoints.prod.initialInstanceCount,
        captureSamplingPercent: args.config.endpoints.prod.dataCaptureSamplingPercent,
        captureUri: pulumi.interpolate`s3://${bucket}/capture/${endpointName}/`,
        kmsKeyArn: keyArn,
        rollout: args.rollout,
        thresholds: args.config.release,
        vpc: args.vpc,
      },
      this,
    );
    this.endpoint = served.endpoint;

    const numeric = args.config.data.features.filter((f): f is string => typeof f === "string");
    const features = expandFeatures(args.config.data.features);
    const alarmFeatures = args.monitoring.alarmFeatures ?? numeric.slice(0, 10);
    const unknown = alarmFeatures.filter((f) => !features.includes(f));
    if (unknown.length > 0) {
      throw new pulumi.ResourceError(
        `ProdEnvironment "${name}": mlops:monitoring.alarmFeatures names unknown features ${JSON.stringify(unknown)}; use names from config/ml-pipeline-config.json`,
        this,
      );
    }
    const monitor = dataQualityMonitor(
      `${name}-monitor`,
      {
        endpoint: this.endpoint,
        endpointName,
        baseline: {
          statisticsUri: pulumi.interpolate`${runBaseline}statistics.json`,
          constraintsUri: pulumi.interpolate`${runBaseline}constraints.json`,
        },
        outputUri: pulumi.interpolate`s3://${bucket}/monitoring/${endpointName}/`,
        roleArn: sageMakerRoleArn,
        kmsKeyArn: keyArn,
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

    this.driftRetraining = this.retrainOnDrift(name, args, {
      alarm: monitor.driftAlarm,
      pipelineName: fromTest("pipelineName"),
      stagingBucketName: fromTest("stagingBucketName"),
      keyArn,
    });

    if (args.vpc)
      sageMakerRuntimeEndpoint(
        `${name}-sagemaker-runtime`,
        {
          vpc: args.vpc,
          endpointNames: [endpointName],
          otherEndpointNames: [args.config.endpoints.test.name],
          ctx,
        },
        this,
      );
    const microservice = handlerFunction(
      `${name}-prod-microservice`,
      {
        callback: microserviceHandler,
        packages: ["@aws-lambda-powertools/logger", "@aws-sdk/client-sagemaker-runtime", "zod"],
        description: "Prediction API backend for the production endpoint",
        statements: [
          {
            Sid: "InvokeProdEndpoint",
            Action: "sagemaker:InvokeEndpoint",
            Resource: arn(ctx, "sagemaker", `endpoint/${endpointName.toLowerCase()}`),
          },
        ],
        environment: { ENDPOINT_NAME: endpointName, FEATURE_COUNT: String(features.length) },
        timeoutSeconds: 15,
        publish: true,
        reservedConcurrency: 100,
        kmsKeyArn: keyArn,
        logRetentionDays: args.logRetentionDays,
        vpc: args.vpc,
        ctx,
      },
      this,
    ).fn;
    this.api = new PredictionApi(
      `${name}-prod-api`,
      {
        backend: microservice,
        stageName: "prod",
        throttle: args.throttle,
        canary: { percent: args.apiCanaryPercent, stableVersion: args.apiStableVersion },
        kmsKeyArn: keyArn,
        logRetentionDays: args.logRetentionDays,
        accountSettings: args.manageApiGatewayAccount ? apiGatewayAccount(name, ctx, this) : undefined,
      },
      parent,
    );
    this.registerOutputs({
      endpointName: this.endpoint.name,
      apiUrl: this.api.url,
      apiDeploymentId: this.api.deployment.id,
    });
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

/**
 * SageMaker places a model or monitoring job in a VPC with its execution role's credentials; without
 * these EC2 permissions CreateModel fails. The role is the test stack's, so this policy is attached
 * to it by name from here, where the prod subnets are known.
 */
function sharedRoleVpcAccess(
  name: string,
  roleArn: pulumi.Output<string>,
  vpc: VpcPlacement,
  ctx: AwsContext,
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    name,
    {
      role: roleArn.apply((arn) => arn.split("/").pop()!),
      policy: policyDocument(sageMakerVpcAccess(ctx, vpc)),
    },
    { parent },
  );
}
