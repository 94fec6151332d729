import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient, type SageMakerRuntimeClientConfig } from "@aws-sdk/client-sagemaker-runtime";
import { configureClientSource, type ClientSource, type Clients } from "../../functions/lib/clients";
import { LOCAL_REGION } from "./deployment";
import { currentSession, type Session } from "./identity";

/** Where the local stand-ins listen. */
export interface LocalEndpoints {
  s3?: string;
  sagemaker?: string;
  /** The local runtime, in process (see runtime-server.ts). */
  runtime?: SageMakerRuntimeClientConfig["requestHandler"];
  /** The local CodePipeline, when the run has one (watch mode's drift trigger starts runs through it). */
  codepipeline?: string;
}

/**
 * The handlers' SDK clients in local mode: one set per role session, signing with that session's
 * credentials, so each call reaches the local services as the role of the code that made it. A call
 * made outside any session is a bug in local mode (nothing in AWS calls anonymously) and fails.
 * S3 needs path-style addressing and no optional checksums; the runtime client must not retry, so a
 * failed invocation is seen as one.
 */
export function useLocalServices(endpoints: LocalEndpoints): void {
  const clients = new Map<string, NonNullable<Clients[keyof Clients]>>();
  const source: ClientSource = (service) => {
    const session = currentSession();
    if (!session)
      throw new Error(
        `local mode: a ${service} call was made outside any role session; every AWS call is made as a role`,
      );
    const key = `${session.accessKeyId}|${service}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = clientFor(service, session, endpoints)));
    return client as never;
  };
  configureClientSource(source);
}

/** One SDK client of a session, built on its first call. */
function clientFor(service: keyof Clients, session: Session, endpoints: LocalEndpoints) {
  const common = {
    region: LOCAL_REGION,
    credentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
    },
  };
  if (service === "s3" && endpoints.s3)
    return new S3Client({
      ...common,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  if (service === "sagemaker" && endpoints.sagemaker)
    return new SageMakerClient({ ...common, endpoint: endpoints.sagemaker });
  if (service === "sagemakerRuntime" && endpoints.runtime)
    return new SageMakerRuntimeClient({
      ...common,
      endpoint: "http://runtime.sagemaker.local",
      requestHandler: endpoints.runtime,
      maxAttempts: 1,
    });
  if (service === "codepipeline" && endpoints.codepipeline)
    return new CodePipelineClient({ ...common, endpoint: endpoints.codepipeline });
  throw new Error(`local mode has no stand-in for ${service}`);
}

/** After a run: handlers get the SDK's own clients again. */
export function stopUsingLocalServices(): void {
  configureClientSource(undefined);
}
