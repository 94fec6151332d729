import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";

/**
 * AWS SDK clients, created on first use and shared by every handler in the process, so a handler's
 * code never builds its own. Local mode replaces them with clients pointed at its stand-ins
 * (`configureClients`, see local/clients.ts); the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables work too.
 */
export type Clients = {
  codecommit?: CodeCommitClient;
  codepipeline?: CodePipelineClient;
  s3?: S3Client;
  sagemaker?: SageMakerClient;
  sfn?: SFNClient;
  sagemakerRuntime?: SageMakerRuntimeClient;
  apigateway?: APIGatewayClient;
};
const cache: Clients = {};

/**
 * Supplies a client for each call instead of the shared ones: local mode gives each role session
 * its own, so every call is signed as the role of the code that makes it.
 */
export type ClientSource = <K extends keyof Clients>(service: K) => NonNullable<Clients[K]>;
let source: ClientSource | undefined;

export function configureClientSource(next: ClientSource | undefined): void {
  source = next;
}

/**
 * Replaces clients, e.g. with ones pointed at local stand-ins (local mode) where an endpoint variable
 * is not enough (S3 needs path-style addressing). Handlers pick them up on their next call.
 */
export function configureClients(clients: Clients): void {
  Object.assign(cache, clients);
}

export function codecommit(): CodeCommitClient {
  if (source) return source("codecommit");
  cache.codecommit ??= new CodeCommitClient({});
  return cache.codecommit;
}

export function codepipeline(): CodePipelineClient {
  if (source) return source("codepipeline");
  cache.codepipeline ??= new CodePipelineClient({});
  return cache.codepipeline;
}

export function s3(): S3Client {
  if (source) return source("s3");
  cache.s3 ??= new S3Client({});
  return cache.s3;
}

export function sagemaker(): SageMakerClient {
  if (source) return source("sagemaker");
  cache.sagemaker ??= new SageMakerClient({});
  return cache.sagemaker;
}

export function sfn(): SFNClient {
  if (source) return source("sfn");
  cache.sfn ??= new SFNClient({});
  return cache.sfn;
}

export function sagemakerRuntime(): SageMakerRuntimeClient {
  if (source) return source("sagemakerRuntime");
  cache.sagemakerRuntime ??= new SageMakerRuntimeClient({});
  return cache.sagemakerRuntime;
}

export function apigateway(): APIGatewayClient {
  if (source) return source("apigateway");
  cache.apigateway ??= new APIGatewayClient({});
  return cache.apigateway;
}
