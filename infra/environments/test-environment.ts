import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handler as testRunnerHandler } from "../../functions/test-runner";
import type { AwsContext } from "../shared/aws-context";
import { handlerFunction } from "../shared/lambda";
import { apiGatewayAccount } from "./api-gateway-account";
import { sageMakerRuntimeEndpoint, type VpcMode } from "./network";
import { PredictionApi } from "./prediction-api";
import { predictionBackend } from "./prediction-backend";

export interface TestEnvironmentArgs {
  /** The test endpoint the ML pipeline deploys to. */
  readonly endpointName: string;
  /** Features per row, from the ML config; the microservice rejects other counts. */
  readonly featureCount: number;
  /** Encrypts everything this creates. */
  readonly key: aws.kms.Key;
  /** CodePipeline invokes the test runner asynchronously; an invocation that keeps failing lands here. */
  readonly deadLetterQueue?: aws.sqs.Queue;
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
  /** VPC mode: functions in these subnets, with a private `sagemaker.runtime` endpoint. */
  readonly vpc?: VpcMode;
  /** The prod environment's endpoint, which a shared `sagemaker.runtime` endpoint also serves. */
  readonly otherEndpointNames?: string[];
  /** Steady-state and burst request limits for the API. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** What the Test stage demands of the API. */
  readonly testSuite: { readonly latencyBudgetMs: number; readonly minAccuracy: number };
  /** Manage API Gateway's account-wide logging role from this stack. */
  readonly manageApiGatewayAccount: boolean;
  /** Retention of the log groups, in days. */
  readonly logRetentionDays: number;
}

/**
 * The test environment: the prediction API (stage `test`) over the microservice, and the test runner
 * the pipeline's Test stage invokes; optionally inside a VPC with a private runtime endpoint.
 */
export class TestEnvironment extends pulumi.ComponentResource {
  readonly api: PredictionApi;
  readonly microservice: aws.lambda.Function;
  readonly testRunner: aws.lambda.Function;
  /** The `sagemaker.runtime` interface endpoint the functions use in VPC mode (created or reused). */
  readonly runtimeEndpointId?: pulumi.Output<string>;

  constructor(name: string, args: TestEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:environments:TestEnvironment", name, {}, opts);
    const accountSettings = args.manageApiGatewayAccount
      ? apiGatewayAccount(name, args.ctx, this)
      : undefined;
    if (args.vpc) this.runtimeEndpointId = this.runtimeEndpoint(name, args, args.vpc);
    this.microservice = predictionBackend(
      `${name}-microservice`,
      {
        stage: "test",
        endpointName: args.endpointName,
        featureCount: args.featureCount,
        reservedConcurrency: 20,
        ...functionDefaults(args),
      },
      this,
    );
    this.api = new PredictionApi(
      `${name}-api`,
      {
        backend: this.microservice,
        stageName: "test",
        throttle: args.throttle,
        kmsKeyArn: args.key.arn,
        logRetentionDays: args.logRetentionDays,
        accountSettings,
      },
      { parent: this },
    );
    this.testRunner = this.testRunnerFunction(name, args);
    this.registerOutputs({
      runtimeEndpointId: this.runtimeEndpointId,
      apiUrl: this.api.url,
      testRunnerName: this.testRunner.name,
      microserviceName: this.microservice.name,
    });
  }

  private runtimeEndpoint(name: string, args: TestEnvironmentArgs, vpc: VpcMode): pulumi.Output<string> {
    return sageMakerRuntimeEndpoint(
      `${name}-sagemaker-runtime`,
      {
        vpc,
        endpointNames: [args.endpointName],
        otherEndpointNames: args.otherEndpointNames ?? [],
        ctx: args.ctx,
      },
      this,
    );
  }

  /** The Test stage's runner: reads the API's key, runs the suite and reports to CodePipeline. */
  private testRunnerFunction(name: string, args: TestEnvironmentArgs): aws.lambda.Function {
    const { ctx } = args;
    return handlerFunction(
      `${name}-test-runner`,
      {
        callback: testRunnerHandler,
        packages: [
          "@aws-lambda-powertools/logger",
          "@aws-sdk/client-api-gateway",
          "@aws-sdk/client-codepipeline",
          "zod",
        ],
        description: "CodePipeline Test stage: runs the API test suite and reports the result",
        statements: [
          {
            Sid: "ReadApiKey",
            Action: "apigateway:GET",
            Resource: pulumi.interpolate`arn:${ctx.partition}:apigateway:${ctx.region}::/apikeys/${this.api.apiKey.id}`,
          },
          // CodePipeline job results have no resource-level permissions.
          {
            Sid: "ReportJobResults",
            Action: ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
            Resource: "*",
          },
        ],
        environment: {
          API_URL: this.api.url,
          API_KEY_ID: this.api.apiKey.id,
          LATENCY_BUDGET_MS: String(args.testSuite.latencyBudgetMs),
          MIN_ACCURACY: String(args.testSuite.minAccuracy),
        },
        timeoutSeconds: 300,
        reservedConcurrency: 2,
        failureQueue: args.deadLetterQueue && { arn: args.deadLetterQueue.arn, keyArn: args.key.arn },
        ...functionDefaults(args),
      },
      this,
    ).fn;
  }
}

/** What both functions share: the stack's key, log retention, network and context. */
const functionDefaults = (args: TestEnvironmentArgs) => ({
  kmsKeyArn: args.key.arn,
  logRetentionDays: args.logRetentionDays,
  vpc: args.vpc,
  ctx: args.ctx,
});
