import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";

/**
 * AWS SDK clients, created on first use and shared by every handler in the process. They honour the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how local mode points the same handler
 * code at local stand-ins.
 */
const cache: { codecommit?: CodeCommitClient; codepipeline?: CodePipelineClient } = {};

export function codecommit(): CodeCommitClient {
  cache.codecommit ??= new CodeCommitClient({});
  return cache.codecommit;
}

export function codepipeline(): CodePipelineClient {
  cache.codepipeline ??= new CodePipelineClient({});
  return cache.codepipeline;
}
