import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import { serviceRole } from "../shared/iam";

/**
 * API Gateway's account-wide CloudWatch role, which access and execution logging need. It is one per
 * account and region, so exactly one stack should manage it (`mlops:manageApiGatewayAccount`).
 */
export function apiGatewayAccount(
  name: string,
  ctx: AwsContext,
  parent: pulumi.Resource,
): aws.apigateway.Account {
  const role = serviceRole(
    `${name}-apigateway-logs-role`,
    {
      service: "apigateway.amazonaws.com",
      description: "Lets API Gateway write access and execution logs",
      statements: [
        {
          Sid: "WriteApiLogs",
          Action: [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
          ],
          Resource: [
            arn(ctx, "logs", "log-group:API-Gateway-Execution-Logs_*"),
            arn(ctx, "logs", "log-group:API-Gateway-Execution-Logs_*:log-stream:*"),
            arn(ctx, "logs", "log-group:/mlops/*"),
            arn(ctx, "logs", "log-group:/mlops/*:log-stream:*"),
          ],
        },
      ],
      ctx,
    },
    parent,
  );
  return new aws.apigateway.Account(
    `${name}-apigateway-account`,
    { cloudwatchRoleArn: role.arn },
    { parent },
  );
}
