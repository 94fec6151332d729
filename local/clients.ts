import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient, type SageMakerRuntimeClientConfig } from "@aws-sdk/client-sagemaker-runtime";
import { configureClients } from "../functions/lib/clients";
import { LOCAL_REGION } from "./world";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * Points the handlers' SDK clients at local stand-ins. S3 needs path-style addressing and no
 * optional checksums; the runtime client must not retry, so a failed invocation is seen as one.
 */
export function useLocalServices(urls: {
  s3?: string;
  sagemaker?: string;
  /** The local runtime, in process (see local/runtime-server.ts). */
  runtime?: SageMakerRuntimeClientConfig["requestHandler"];
}): void {
  configureClients({
    ...(urls.s3 && {
      s3: new S3Client({
        endpoint: urls.s3,
        region: LOCAL_REGION,
        credentials,
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    }),
    ...(urls.sagemaker && {
      sagemaker: new SageMakerClient({ endpoint: urls.sagemaker, region: LOCAL_REGION, credentials }),
    }),
    ...(urls.runtime && {
      sagemakerRuntime: new SageMakerRuntimeClient({
        endpoint: "http://runtime.sagemaker.local",
        requestHandler: urls.runtime,
        region: LOCAL_REGION,
        credentials,
        maxAttempts: 1,
      }),
    }),
  });
}
