import { rollbackAlarmNames } from "../environments/blue-green";
import { arn, type AwsContext } from "./aws-context";
import type { Statement } from "./iam";
import type { VpcPlacement } from "./lambda";

/** What a SageMaker execution role needs besides its data: telemetry, and a VPC when it runs in one. */

/** Logs and metrics of SageMaker endpoints and monitoring jobs. */
export function sageMakerJobTelemetry(ctx: AwsContext): Statement[] {
  return [
    {
      Sid: "WriteJobLogs",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [
        arn(ctx, "logs", "log-group:/aws/sagemaker/*"),
        arn(ctx, "logs", "log-group:/aws/sagemaker/*:log-stream:*"),
      ],
    },
    {
      Sid: "PublishJobMetrics",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
    },
  ];
}

/**
 * An endpoint updated blue/green reads its auto-rollback alarms as the model's execution role:
 * "Ensure that your IAM execution role has permission to perform the cloudwatch:DescribeAlarms action
 * on the auto-rollback alarms you specify"
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
 */
export function readRollbackAlarms(ctx: AwsContext, endpointNames: string[]): Statement {
  return {
    Sid: "ReadRollbackAlarms",
    Action: "cloudwatch:DescribeAlarms",
    Resource: endpointNames.flatMap((name) =>
      Object.values(rollbackAlarmNames(name)).map((alarm) => arn(ctx, "cloudwatch", `alarm:${alarm}`)),
    ),
  };
}

/**
 * What SageMaker needs of its execution role to place a model or a processing job in a VPC.
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html (CreateModel API: Execution Role Permissions)
 */
export function sageMakerVpcAccess(ctx: AwsContext, vpc: VpcPlacement): Statement[] {
  return [
    {
      Sid: "CreateInterfacesInOwnSubnets",
      Action: ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission"],
      Resource: [
        ...vpc.subnetIds.map((id) => arn(ctx, "ec2", `subnet/${id}`)),
        ...vpc.securityGroupIds.map((id) => arn(ctx, "ec2", `security-group/${id}`)),
        arn(ctx, "ec2", "network-interface/*"),
      ],
    },
    {
      Sid: "RemoveOwnInterfaces",
      Action: ["ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
      Resource: arn(ctx, "ec2", "network-interface/*"),
    },
    // EC2 Describe calls have no resource-level permissions.
    {
      Sid: "DescribeNetwork",
      Action: [
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
      ],
      Resource: "*",
    },
  ];
}
