import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VpcPlacement } from "../shared/lambda";
import { modelMonitorImage } from "../shared/prebuilt-images";

export interface DataQualityMonitorArgs {
  /** The endpoint the monitor watches. */
  readonly endpoint: aws.sagemaker.Endpoint;
  /** The SageMaker endpoint's name. */
  readonly endpointName: string;
  /** The approved run's baseline (`statistics.json`, `constraints.json`) from data prep. */
  readonly baseline: {
    readonly statisticsUri: pulumi.Input<string>;
    readonly constraintsUri: pulumi.Input<string>;
  };
  /** Where monitoring reports go. */
  readonly outputUri: pulumi.Input<string>;
  /** The role the monitoring jobs run as. */
  readonly roleArn: pulumi.Input<string>;
  /** Encrypts what this creates. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** When the monitor runs (a cron() expression). */
  readonly scheduleExpression: string;
  /** The instance type it runs on. */
  readonly instanceType: string;
  /** Features whose drift the alarm watches (CloudWatch allows ten metrics per alarm). */
  readonly alarmFeatures: string[];
  /** Drift distance above which the alarm fires. */
  readonly driftThreshold: number;
  /** Hours without a data-quality metric after which the silent-monitor alarm fires. */
  readonly silentAfterHours: number;
  /** Where the drift and silent-monitor alarms notify. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** VPC mode: run in these subnets and security groups. */
  readonly vpc?: VpcPlacement;
}

/**
 * Where Model Monitor's built-in container publishes a real-time endpoint's data-quality metrics
 * (`feature_baseline_drift_<feature>`, one per feature and run).
 *
 * AWS documents this three ways: "CloudWatch Metrics" (model-monitor-interpreting-cloudwatch.html)
 * says `/aws/sagemaker/Endpoints/data-metric` with EndpointName and ScheduleName; "CloudWatch Metrics
 * for Bring Your Own Containers" (model-monitor-byoc-cloudwatch.html) says the dimensions are
 * Endpoint and MonitoringSchedule. The dimensions follow the container contract page, which the
 * built-in container implements, and the namespace follows what AWS's own safe-deployment sample
 * alarms on and its notebook publishes to when it simulates drift: `aws/sagemaker/Endpoints/data-metrics`
 * with Endpoint and MonitoringSchedule
 * (https://github.com/aws-samples/amazon-sagemaker-safe-deployment-pipeline, assets/deploy-model-prd.yml).
 * A wrong name would never alarm under treatMissingData notBreaching, so the silent-monitor alarm
 * below fires when these metrics stop arriving, whatever the cause.
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-cloudwatch.html
 */
export const DATA_QUALITY_METRICS = {
  namespace: "aws/sagemaker/Endpoints/data-metrics",
  dimensions: (endpointName: pulumi.Input<string>, scheduleName: pulumi.Input<string>) => ({
    Endpoint: endpointName,
    MonitoringSchedule: scheduleName,
  }),
  driftMetric: (feature: string) => `feature_baseline_drift_${feature}`,
} as const;

/** The drift alarm's name: fixed, so the pipeline account can listen for it across accounts. */
export const driftAlarmName = (endpointName: string) => `${endpointName}-data-drift`;

/**
 * The data-quality monitor as native resources: job definition, schedule, an alarm on drift, and an
 * alarm when the monitor falls silent.
 */
export function dataQualityMonitor(name: string, args: DataQualityMonitorArgs, parent: pulumi.Resource) {
  const definition = jobDefinition(name, args, parent);
  const schedule = new aws.sagemaker.MonitoringSchedule(
    `${name}-schedule`,
    {
      name: `${args.endpointName}-data-quality`,
      monitoringScheduleConfig: {
        monitoringJobDefinitionName: definition.name,
        monitoringType: "DataQuality",
        scheduleConfig: { scheduleExpression: args.scheduleExpression },
      },
    },
    { parent },
  );
  const driftAlarm = featureDriftAlarm(name, args, schedule.name, parent);
  const silenceAlarm = monitorSilentAlarm(name, args, schedule.name, parent);
  return { definition, schedule, driftAlarm, silenceAlarm };
}

/** Compares the endpoint's captured data with the baseline in an isolated, encrypted job. */
function jobDefinition(
  name: string,
  args: DataQualityMonitorArgs,
  parent: pulumi.Resource,
): aws.sagemaker.DataQualityJobDefinition {
  return new aws.sagemaker.DataQualityJobDefinition(
    `${name}-data-quality`,
    {
      name: `${args.endpointName}-data-quality-job`,
      roleArn: args.roleArn,
      dataQualityAppSpecification: {
        imageUri: modelMonitorImage(parent),
        environment: { publish_cloudwatch_metrics: "Enabled" },
      },
      dataQualityBaselineConfig: {
        statisticsResource: { s3Uri: args.baseline.statisticsUri },
        constraintsResource: { s3Uri: args.baseline.constraintsUri },
      },
      dataQualityJobInput: {
        endpointInput: { endpointName: args.endpoint.name, localPath: "/opt/ml/processing/input/endpoint" },
      },
      dataQualityJobOutputConfig: {
        kmsKeyId: args.kmsKeyArn,
        monitoringOutputs: {
          s3Output: {
            s3Uri: args.outputUri,
            localPath: "/opt/ml/processing/output",
            s3UploadMode: "EndOfJob",
          },
        },
      },
      jobResources: {
        clusterConfig: {
          instanceCount: 1,
          instanceType: args.instanceType,
          volumeSizeInGb: 20,
          volumeKmsKeyId: args.kmsKeyArn,
        },
      },
      networkConfig: {
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        vpcConfig: args.vpc
          ? { subnets: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
          : undefined,
      },
      stoppingCondition: { maxRuntimeInSeconds: 3600 },
    },
    { parent },
  );
}

/** Model Monitor publishes feature_baseline_drift_<feature> per run; the alarm is on the largest. */
function featureDriftAlarm(
  name: string,
  args: DataQualityMonitorArgs,
  scheduleName: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  const metricIds = args.alarmFeatures.map((_, i) => `drift${i}`);
  return new aws.cloudwatch.MetricAlarm(
    `${name}-drift-alarm`,
    {
      name: driftAlarmName(args.endpointName),
      alarmDescription: `Data captured at ${args.endpointName} drifted from the training baseline (watched: ${args.alarmFeatures.join(", ")})`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: args.driftThreshold,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [args.alarmTopicArn],
      metricQueries: [
        ...args.alarmFeatures.map((feature, i) => ({
          id: metricIds[i],
          returnData: false,
          metric: {
            namespace: DATA_QUALITY_METRICS.namespace,
            metricName: DATA_QUALITY_METRICS.driftMetric(feature),
            dimensions: DATA_QUALITY_METRICS.dimensions(args.endpointName, scheduleName),
            period: 3600,
            stat: "Maximum",
          },
        })),
        {
          id: "maxdrift",
          expression: `MAX([${metricIds.join(",")}])`,
          label: "largest feature drift",
          returnData: true,
        },
      ],
    },
    { parent },
  );
}

/**
 * Each monitoring run publishes every watched feature's drift; none for this long means the
 * schedule, the job or the metric names are wrong, which is itself worth waking someone for.
 */
function monitorSilentAlarm(
  name: string,
  args: DataQualityMonitorArgs,
  scheduleName: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${name}-silence-alarm`,
    {
      name: `${args.endpointName}-monitor-silent`,
      alarmDescription: `No data-quality metrics from ${args.endpointName}'s monitor for ${args.silentAfterHours} hours: check the schedule's executions`,
      namespace: DATA_QUALITY_METRICS.namespace,
      metricName: DATA_QUALITY_METRICS.driftMetric(args.alarmFeatures[0]),
      dimensions: DATA_QUALITY_METRICS.dimensions(args.endpointName, scheduleName),
      statistic: "SampleCount",
      period: 3600,
      evaluationPeriods: args.silentAfterHours,
      datapointsToAlarm: args.silentAfterHours,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [args.alarmTopicArn],
    },
    { parent },
  );
}
