import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VpcPlacement } from "../shared/lambda";
import type { Tags } from "../shared/tags";
import { modelMonitorImageUri } from "./model-monitor-image";

export interface DataQualityMonitorArgs {
  endpoint: aws.sagemaker.Endpoint;
  endpointName: string;
  region: string;
  /** The approved run's baseline (`statistics.json`, `constraints.json`) from data prep. */
  baseline: { statisticsUri: pulumi.Input<string>; constraintsUri: pulumi.Input<string> };
  outputUri: pulumi.Input<string>;
  roleArn: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  scheduleExpression: string;
  instanceType: string;
  /** Features whose drift the alarm watches (CloudWatch allows ten metrics per alarm). */
  alarmFeatures: string[];
  driftThreshold: number;
  /** Where the drift alarm notifies. */
  alarmTopicArn: pulumi.Input<string>;
  vpc?: VpcPlacement;
  tags: Tags;
}

/** The data-quality monitor as native resources: job definition, schedule, and an alarm on drift. */
export function dataQualityMonitor(name: string, args: DataQualityMonitorArgs, parent: pulumi.Resource) {
  const opts = { parent };
  const definition = new aws.sagemaker.DataQualityJobDefinition(
    `${name}-data-quality`,
    {
      name: `${args.endpointName}-data-quality-job`,
      roleArn: args.roleArn,
      dataQualityAppSpecification: {
        imageUri: modelMonitorImageUri(args.region),
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
      tags: args.tags,
    },
    opts,
  );
  const schedule = new aws.sagemaker.MonitoringSchedule(
    `${name}-schedule`,
    {
      name: `${args.endpointName}-data-quality`,
      monitoringScheduleConfig: {
        monitoringJobDefinitionName: definition.name,
        monitoringType: "DataQuality",
        scheduleConfig: { scheduleExpression: args.scheduleExpression },
      },
      tags: args.tags,
    },
    opts,
  );
  // Model Monitor publishes feature_baseline_drift_<feature> per run; alarm on the largest.
  const metricIds = args.alarmFeatures.map((_, i) => `drift${i}`);
  const driftAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-drift-alarm`,
    {
      name: `${args.endpointName}-data-drift`,
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
            namespace: "/aws/sagemaker/Endpoints/data-metric",
            metricName: `feature_baseline_drift_${feature}`,
            dimensions: { EndpointName: args.endpointName, ScheduleName: schedule.name },
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
      tags: args.tags,
    },
    opts,
  );
  return { definition, schedule, driftAlarm };
}
