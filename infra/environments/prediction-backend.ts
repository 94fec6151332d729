import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { handler as microserviceHandler } from "../../functions/microservice";
import { arn, type AwsContext } from "../shared/aws-context";
import { handlerFunction, type VpcPlacement } from "../shared/lambda";

/** What sets one environment's prediction backend apart from the other's. */
export interface PredictionBackendSettings {
  /** `test` or `prod`: names the function, its description and its statement. */
  readonly stage: "test" | "prod";
  /** The SageMaker endpoint it invokes, the only one it may. */
  readonly endpointName: string;
  /** How many features a request row carries (rows of another width are refused). */
  readonly featureCount: number;
  /** Concurrency kept for it, so one environment cannot starve the other of the account's pool. */
  readonly reservedConcurrency: number;
  /** Encrypts its environment and logs. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention of its log group, in days. */
  readonly logRetentionDays: number;
  /** The subnets and security groups it runs in, in VPC mode. */
  readonly vpc?: VpcPlacement;
  /** Account, region and partition of the stack. */
  readonly ctx: AwsContext;
}

/**
 * The prediction API's backend: the microservice handler invoking one endpoint, published as
 * versions so the API can send a canary share to the newest.
 */
export function predictionBackend(
  name: string,
  settings: PredictionBackendSettings,
  parent: pulumi.Resource,
): aws.lambda.Function {
  const { stage, endpointName } = settings;
  const title = stage === "test" ? "Test" : "Prod";
  return handlerFunction(
    name,
    {
      callback: microserviceHandler,
      packages: ["@aws-lambda-powertools/logger", "@aws-sdk/client-sagemaker-runtime", "zod"],
      description: `Prediction API backend for the ${stage === "test" ? "test" : "production"} endpoint`,
      statements: [
        {
          Sid: `Invoke${title}Endpoint`,
          Action: "sagemaker:InvokeEndpoint",
          Resource: arn(settings.ctx, "sagemaker", `endpoint/${endpointName.toLowerCase()}`),
        },
      ],
      environment: { ENDPOINT_NAME: endpointName, FEATURE_COUNT: String(settings.featureCount) },
      timeoutSeconds: 15,
      publish: true,
      reservedConcurrency: settings.reservedConcurrency,
      kmsKeyArn: settings.kmsKeyArn,
      logRetentionDays: settings.logRetentionDays,
      vpc: settings.vpc,
      ctx: settings.ctx,
    },
    parent,
  ).fn;
}
