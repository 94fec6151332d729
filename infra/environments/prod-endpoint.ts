import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VpcPlacement } from "../shared/lambda";
import { rollbackAlarmNames, rolloutPolicy, type RolloutSettings } from "./blue-green";

export type { RolloutSettings } from "./blue-green";

/** What fails a release (the ML config's `release`, which local mode's canary judgement reads too). */
export interface ReleaseThresholds {
  /** Share of invocations failing with 5XX, in percent, over a minute, that rolls the deployment back. */
  max5xxPercent: number;
  /** Average model latency (ms) over a minute that rolls the deployment back. */
  maxModelLatencyMs: number;
}

export interface ProdEndpointArgs {
  /** The SageMaker endpoint's name. */
  readonly endpointName: string;
  /** The approved, versioned model package to serve. */
  readonly modelPackageArn: string;
  /** The role SageMaker hosts the model with. */
  readonly executionRoleArn: pulumi.Input<string>;
  /** The instance type it runs on. */
  readonly instanceType: string;
  /** Instances behind the endpoint. */
  readonly initialInstanceCount: number;
  /** Share of requests data capture records, in percent. */
  readonly captureSamplingPercent: number;
  /** Where data capture writes. */
  readonly captureUri: pulumi.Input<string>;
  /** Encrypts what this creates. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Blue/green traffic shifting. */
  readonly rollout: RolloutSettings;
  /** What fails a release (rolls a deployment back). */
  readonly thresholds: ReleaseThresholds;
  /** VPC mode: run in these subnets and security groups. */
  readonly vpc?: VpcPlacement;
}

/**
 * The production endpoint: its own model, endpoint configuration (data capture, KMS) and endpoint,
 * updated blue/green with canary or linear traffic shifting and rolled back automatically when the
 * 5XX or latency alarm fires.
 */
export function prodEndpoint(name: string, args: ProdEndpointArgs, parent: pulumi.Resource) {
  const model = new aws.sagemaker.Model(
    `${name}-model`,
    {
      executionRoleArn: args.executionRoleArn,
      primaryContainer: { modelPackageName: args.modelPackageArn },
      enableNetworkIsolation: true,
      vpcConfig: args.vpc
        ? { subnets: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
        : undefined,
      tags: { "mlops:model-package": args.modelPackageArn.split("/").slice(-2).join("/") },
    },
    { parent },
  );
  const endpointConfig = endpointConfiguration(name, args, model.name, parent);
  const alarms = rollbackAlarms(name, args, parent);
  const endpoint = new aws.sagemaker.Endpoint(
    `${name}-endpoint`,
    {
      name: args.endpointName,
      endpointConfigName: endpointConfig.name,
      deploymentConfig: {
        blueGreenUpdatePolicy: blueGreenUpdatePolicy(args.rollout),
        autoRollbackConfiguration: {
          alarms: alarms.map((alarm) => ({ alarmName: alarm.name })),
        },
      },
    },
    { parent },
  );
  return { model, endpointConfig, endpoint, alarms };
}

/** One variant serving all traffic, capturing requests and responses under the key. */
function endpointConfiguration(
  name: string,
  args: ProdEndpointArgs,
  modelName: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.sagemaker.EndpointConfiguration {
  return new aws.sagemaker.EndpointConfiguration(
    `${name}-config`,
    {
      productionVariants: [
        {
          variantName: "AllTraffic",
          modelName,
          instanceType: args.instanceType,
          initialInstanceCount: args.initialInstanceCount,
          initialVariantWeight: 1,
        },
      ],
      dataCaptureConfig: {
        enableCapture: true,
        initialSamplingPercentage: args.captureSamplingPercent,
        destinationS3Uri: args.captureUri,
        kmsKeyId: args.kmsKeyArn,
        captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
        captureContentTypeHeader: { csvContentTypes: ["text/csv"] },
      },
      kmsKeyArn: args.kmsKeyArn,
    },
    { parent },
  );
}

/** The 5XX-rate and latency alarms whose ALARM state rolls a deployment back. */
function rollbackAlarms(
  name: string,
  args: ProdEndpointArgs,
  parent: pulumi.Resource,
): [aws.cloudwatch.MetricAlarm, aws.cloudwatch.MetricAlarm] {
  const dimensions = { EndpointName: args.endpointName, VariantName: "AllTraffic" };
  // A rate, not a count, so the alarm means the same at any traffic volume and matches local mode.
  const metric = (id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: { namespace: "AWS/SageMaker", metricName, dimensions, period: 60, stat: "Sum" },
  });
  const errorsAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-5xx-alarm`,
    {
      name: rollbackAlarmNames(args.endpointName).errors,
      alarmDescription: `Rolls back ${args.endpointName} deployments: more than ${args.thresholds.max5xxPercent}% of invocations fail with 5XX`,
      metricQueries: [
        metric("errors", "Invocation5XXErrors"),
        metric("invocations", "Invocations"),
        {
          id: "errorPercent",
          expression: "IF(invocations > 0, 100 * errors / invocations, 0)",
          label: "5XX errors, % of invocations",
          returnData: true,
        },
      ],
      evaluationPeriods: 2,
      threshold: args.thresholds.max5xxPercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
    { parent },
  );
  const latencyAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-latency-alarm`,
    {
      name: rollbackAlarmNames(args.endpointName).latency,
      alarmDescription: `Rolls back ${args.endpointName} deployments: model latency above ${args.thresholds.maxModelLatencyMs} ms`,
      namespace: "AWS/SageMaker",
      metricName: "ModelLatency",
      dimensions,
      statistic: "Average",
      period: 60,
      evaluationPeriods: 2,
      // ModelLatency is reported in microseconds.
      threshold: args.thresholds.maxModelLatencyMs * 1000,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
    { parent },
  );
  return [errorsAlarm, latencyAlarm];
}

/** The rollout's blue/green policy in the provider's shape. */
function blueGreenUpdatePolicy(
  rollout: RolloutSettings,
): aws.types.input.sagemaker.EndpointDeploymentConfigBlueGreenUpdatePolicy {
  const policy = rolloutPolicy(rollout);
  const routing = policy.TrafficRoutingConfiguration;
  const size = (capacity = routing.CanarySize ?? routing.LinearStepSize!) => ({
    type: capacity.Type,
    value: capacity.Value,
  });
  return {
    trafficRoutingConfiguration: {
      type: routing.Type,
      waitIntervalInSeconds: routing.WaitIntervalInSeconds,
      ...(routing.Type === "CANARY" ? { canarySize: size() } : { linearStepSize: size() }),
    },
    terminationWaitInSeconds: policy.TerminationWaitInSeconds,
    // Longer than every wait of the update, as SageMaker requires (blue-green.ts).
    maximumExecutionTimeoutInSeconds: policy.MaximumExecutionTimeoutInSeconds,
  };
}
