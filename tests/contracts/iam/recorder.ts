import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { CodeCommitClient } from "@aws-sdk/client-codecommit";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import type { SentCommand } from "../../../local/aws/iam/sdk-requests";

/** Every SDK client a handler can use, mocked; each records the commands sent through it. */
export function mockAllClients() {
  return {
    SFN: mockClient(SFNClient),
    S3: mockClient(S3Client),
    SageMaker: mockClient(SageMakerClient),
    SageMakerRuntime: mockClient(SageMakerRuntimeClient),
    CodePipeline: mockClient(CodePipelineClient),
    CodeCommit: mockClient(CodeCommitClient),
    APIGateway: mockClient(APIGatewayClient),
  };
}

export type Mocks = ReturnType<typeof mockAllClients>;

/** The commands sent since the last reset, in order per client. */
export function sentCommands(mocks: Mocks): SentCommand[] {
  return Object.entries(mocks).flatMap(([service, mock]) =>
    mock.calls().map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      return { service, operation: command.constructor.name.replace(/Command$/, ""), input: command.input };
    }),
  );
}

export function resetAll(mocks: Mocks): void {
  Object.values(mocks).forEach((mock) => mock.reset());
}

export function restoreAll(mocks: Mocks): void {
  Object.values(mocks).forEach((mock) => mock.restore());
}

/** Runs `body` with these environment variables set, as Lambda would set them for the function. */
export async function withEnvironment<T>(
  environment: Record<string, string>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, environment);
  try {
    return await body();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
