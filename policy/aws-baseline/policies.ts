import type { Rule } from "../lib/rule";
import { apigwAccessLogs } from "./rules/apigw-access-logs";
import { apigwAuth } from "./rules/apigw-auth";
import { apigwCache } from "./rules/apigw-cache";
import { apigwTracing } from "./rules/apigw-tracing";
import { codebuildKms } from "./rules/codebuild-kms";
import { codebuildPrivileged } from "./rules/codebuild-privileged";
import { codepipelineKms } from "./rules/codepipeline-kms";
import { glueSecurity } from "./rules/glue-security";
import { iamManaged } from "./rules/iam-managed";
import { iamPassRole } from "./rules/iam-passrole";
import { iamWildcard } from "./rules/iam-wildcard";
import { kmsCrossAccount } from "./rules/kms-cross-account";
import { kmsPrincipal } from "./rules/kms-principal";
import { kmsRotation } from "./rules/kms-rotation";
import { lambdaConcurrency } from "./rules/lambda-concurrency";
import { lambdaEnvKms } from "./rules/lambda-env-kms";
import { lambdaPublic } from "./rules/lambda-public";
import { lambdaRuntime } from "./rules/lambda-runtime";
import { lambdaSourceArn } from "./rules/lambda-source-arn";
import { lambdaTracing } from "./rules/lambda-tracing";
import { logsKms } from "./rules/logs-kms";
import { providerSessionName } from "./rules/provider-session-name";
import { resourcePolicyPrincipals } from "./rules/resource-policy-principals";
import { logsRetention } from "./rules/logs-retention";
import { s3Kms } from "./rules/s3-kms";
import { s3Logging } from "./rules/s3-logging";
import { s3PublicAccess } from "./rules/s3-public-access";
import { s3Tls } from "./rules/s3-tls";
import { s3Versioning } from "./rules/s3-versioning";
import { sfnLogging } from "./rules/sfn-logging";
import { sfnTracing } from "./rules/sfn-tracing";
import { snsKms } from "./rules/sns-kms";
import { sqsKms } from "./rules/sqs-kms";

/** The AWS security baseline; index.ts builds the pack from this list. */
export const PACK_NAME = "mlops-aws-baseline";
export const policies: Rule[] = [
  s3Kms,
  s3Versioning,
  s3PublicAccess,
  s3Tls,
  s3Logging,
  lambdaTracing,
  lambdaPublic,
  lambdaSourceArn,
  lambdaRuntime,
  lambdaConcurrency,
  lambdaEnvKms,
  apigwAccessLogs,
  apigwTracing,
  apigwCache,
  apigwAuth,
  sfnLogging,
  sfnTracing,
  glueSecurity,
  kmsRotation,
  kmsPrincipal,
  kmsCrossAccount,
  logsRetention,
  logsKms,
  codepipelineKms,
  codebuildKms,
  codebuildPrivileged,
  snsKms,
  sqsKms,
  iamWildcard,
  iamManaged,
  iamPassRole,
  resourcePolicyPrincipals,
  providerSessionName,
];
