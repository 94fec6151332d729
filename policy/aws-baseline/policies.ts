import type { Rule } from "./lib/rule";
import { apigwCanaryDistinct } from "./rules/aws-apigateway-stage-canary-distinct-target";
import { vpcEndpointPrivateDnsUnique } from "./rules/aws-ec2-vpc-endpoint-private-dns-unique";
import { iamActionsExist } from "./rules/aws-iam-policy-actions-exist";
import { kmsServiceGrants } from "./rules/aws-kms-key-service-principal-grants";
import { lambdaAsyncFailureDestination } from "./rules/aws-lambda-function-async-failure-destination";
import { sfnErrorNames } from "./rules/aws-sfn-state-machine-error-names";
import { apigwAccessLogs } from "./rules/aws-apigateway-stage-access-logging";
import { apigwAuth } from "./rules/aws-apigateway-method-authorization";
import { apigwCache } from "./rules/aws-apigateway-method-settings-cache-encrypted";
import { apigwTracing } from "./rules/aws-apigateway-stage-tracing";
import { codebuildKms } from "./rules/aws-codebuild-project-kms";
import { codebuildPrivileged } from "./rules/aws-codebuild-project-not-privileged";
import { codepipelineKms } from "./rules/aws-codepipeline-pipeline-artifact-store-kms";
import { codepipelineSourceConnection } from "./rules/aws-codepipeline-source-connection-local";
import { glueSecurity } from "./rules/aws-glue-job-security-configuration";
import { iamNoBroadManagedPolicies } from "./rules/aws-iam-role-no-broad-managed-policies";
import { iamPassRole } from "./rules/aws-iam-policy-passrole-scoped";
import { iamWildcard } from "./rules/aws-iam-policy-no-wildcard-actions";
import { kmsCrossAccount } from "./rules/aws-kms-key-cross-account-decrypt-only";
import { kmsPrincipal } from "./rules/aws-kms-key-no-wildcard-principal";
import { kmsRotation } from "./rules/aws-kms-key-rotation-enabled";
import { lambdaConcurrency } from "./rules/aws-lambda-function-concurrency-or-dlq";
import { lambdaEnvKms } from "./rules/aws-lambda-function-environment-kms";
import { lambdaNoPublicInvoke } from "./rules/aws-lambda-permission-no-public-invoke";
import { lambdaRuntime } from "./rules/aws-lambda-function-supported-runtime";
import { lambdaSourceArn } from "./rules/aws-lambda-permission-source-arn";
import { lambdaTracing } from "./rules/aws-lambda-function-tracing-active";
import { logsKms } from "./rules/aws-cloudwatch-log-group-kms";
import { providerSessionName } from "./rules/aws-provider-assume-role-session-name";
import { resourcePolicyPrincipals } from "./rules/aws-iam-resource-policy-principals-exact";
import { logsRetention } from "./rules/aws-cloudwatch-log-group-retention";
import { s3Kms } from "./rules/aws-s3-bucket-kms-encryption";
import { s3Logging } from "./rules/aws-s3-bucket-access-logging";
import { s3PublicAccess } from "./rules/aws-s3-bucket-public-access-blocked";
import { s3Tls } from "./rules/aws-s3-bucket-tls-only";
import { s3Versioning } from "./rules/aws-s3-bucket-versioning-enabled";
import { sfnLogging } from "./rules/aws-sfn-state-machine-logging";
import { sfnTracing } from "./rules/aws-sfn-state-machine-tracing";
import { snsKms } from "./rules/aws-sns-topic-kms";
import { sqsKms } from "./rules/aws-sqs-queue-kms";

/** The AWS security baseline; index.ts builds the pack from this list. */
export const PACK_NAME = "mlops-aws-baseline";
export const policies: Rule[] = [
  s3Kms,
  s3Versioning,
  s3PublicAccess,
  s3Tls,
  s3Logging,
  lambdaTracing,
  lambdaNoPublicInvoke,
  lambdaSourceArn,
  lambdaRuntime,
  lambdaConcurrency,
  lambdaEnvKms,
  lambdaAsyncFailureDestination,
  apigwAccessLogs,
  apigwTracing,
  apigwCache,
  apigwAuth,
  apigwCanaryDistinct,
  sfnLogging,
  sfnTracing,
  sfnErrorNames,
  glueSecurity,
  kmsRotation,
  kmsPrincipal,
  kmsCrossAccount,
  kmsServiceGrants,
  logsRetention,
  logsKms,
  codepipelineKms,
  codepipelineSourceConnection,
  codebuildKms,
  codebuildPrivileged,
  snsKms,
  sqsKms,
  iamWildcard,
  iamNoBroadManagedPolicies,
  iamPassRole,
  iamActionsExist,
  resourcePolicyPrincipals,
  providerSessionName,
  vpcEndpointPrivateDnsUnique,
];
