import { API_GATEWAY } from "./apigateway";
import { EVENTS_AND_LOGS } from "./events-logs";
import { IAM, KMS, LAMBDA } from "./lambda-iam-kms";
import { S3 } from "./s3";
import { SAGEMAKER } from "./sagemaker";
import { SQS_SNS_EC2 } from "./sqs-sns-ec2";
import type { ProviderCall } from "./types";

export type { DeployedResource, Phase, ProviderCall, StackPlace } from "./types";

/** Every call the AWS provider makes for each resource type, by the Pulumi type token (see types.ts). */
export const PROVIDER_CALLS: Record<string, ProviderCall[]> = {
  ...SAGEMAKER,
  ...LAMBDA,
  ...IAM,
  ...KMS,
  ...S3,
  ...API_GATEWAY,
  ...EVENTS_AND_LOGS,
  ...SQS_SNS_EC2,
};

/**
 * The provider itself, whatever it manages: it learns the account with sts:GetCallerIdentity (which
 * needs no permission: "No permissions are required to perform this operation", GetCallerIdentity
 * API reference) in provider/config.go#preConfigureCallback and internal/conns/config.go, and the
 * prod provider assumes the deployment role (sts:AssumeRole, internal/conns/config.go →
 * aws-sdk-go-base's assumeRoleCredentialsProvider), which the role's trust policy decides.
 */
export const PROVIDER_SOURCE =
  "provider/config.go#preConfigureCallback; internal/conns/config.go#ConfigureProvider";
