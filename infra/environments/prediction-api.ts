import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "../shared/aliases";
import { createHash } from "node:crypto";
import { logGroup } from "../shared/log-group";

export interface PredictionApiArgs {
  /** The microservice behind `POST /predictions`, published as versions (`publish: true`). */
  readonly backend: aws.lambda.Function;
  /** Stage name, e.g. `test` or `prod`. */
  readonly stageName: string;
  /** Steady-state and burst request limits for the stage and its usage plan. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Canary release of the microservice: this share of requests goes to its newest version while the
   * rest stays on `stableVersion`. Without a stable version (the first release) the stage serves
   * the newest version alone.
   */
  readonly canary?: { readonly percent: number; readonly stableVersion?: string };
  /** Encrypts what this creates. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention of the log groups, in days. */
  readonly logRetentionDays: number;
  /**
   * The account's API Gateway settings naming the CloudWatch Logs role, when this stack sets them:
   * the stage's logging is refused until they exist ("CloudWatch Logs role ARN must be set in account
   * settings to enable logging"), so the stage and its method settings wait for them.
   */
  readonly accountSettings?: pulumi.Resource;
}

/**
 * A regional REST API in front of the microservice: API-key protected, throttled, with JSON access
 * logs, X-Ray tracing, execution metrics and an encrypted (off by default) cache, and optionally a
 * canary stage.
 */
export class PredictionApi extends pulumi.ComponentResource {
  readonly api: aws.apigateway.RestApi;
  readonly stage: aws.apigateway.Stage;
  readonly deployment: aws.apigateway.Deployment;
  readonly apiKey: aws.apigateway.ApiKey;
  /** `https://…/<stage>/predictions`. */
  readonly url: pulumi.Output<string>;
  /** The microservice version the stage serves to all traffic, or to the canary's share. */
  readonly newestVersion: pulumi.Output<string>;

  constructor(name: string, args: PredictionApiArgs, opts?: pulumi.ComponentResourceOptions) {
    // Named for its folder; the alias keeps the URNs of APIs declared under the old token.
    super("mlops:environments:PredictionApi", name, {}, withAlias(opts, "mlops:api:PredictionApi"));
    this.refuseInvalidCanary(name, args.canary);
    const current = args.backend.version;
    const stable = args.canary?.stableVersion;
    this.api = new aws.apigateway.RestApi(
      `${name}-api`,
      {
        description: `Predictions from the ${args.stageName} model endpoint`,
        endpointConfiguration: { types: "REGIONAL" },
        apiKeySource: "HEADER",
      },
      { parent: this },
    );
    const route = this.predictionsRoute(name, args.backend);
    this.allowInvocation(name, args.backend, current, stable);
    this.deployment = this.deploy(name, args.stageName, route);
    this.stage = this.stageServing(name, args, current);
    this.methodSettings(name, args);
    this.apiKey = this.keyForCallers(name, args);
    this.url = pulumi.interpolate`${this.stage.invokeUrl}/predictions`;
    this.newestVersion = current;
    this.registerOutputs({
      url: this.url,
      apiKeyId: this.apiKey.id,
      deploymentId: this.deployment.id,
      newestVersion: this.newestVersion,
    });
  }

  private refuseInvalidCanary(name: string, canary: PredictionApiArgs["canary"]) {
    if (canary && (canary.percent < 0 || canary.percent > 100)) {
      throw new pulumi.ResourceError(
        `PredictionApi "${name}": canary.percent ${canary.percent} must be between 0 and 100`,
        this,
      );
    }
    if (canary?.stableVersion && !/^[1-9]\d*$/.test(canary.stableVersion)) {
      throw new pulumi.ResourceError(
        `PredictionApi "${name}": canary.stableVersion "${canary.stableVersion}" must be a published Lambda version number such as 7`,
        this,
      );
    }
  }

  /** `POST /predictions`, proxied to the microservice version the stage variable names. */
  private predictionsRoute(name: string, backend: aws.lambda.Function): PredictionsRoute {
    const parent = { parent: this };
    const resource = new aws.apigateway.Resource(
      `${name}-predictions`,
      { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: "predictions" },
      parent,
    );
    const method = new aws.apigateway.Method(
      `${name}-post`,
      {
        restApi: this.api.id,
        resourceId: resource.id,
        httpMethod: "POST",
        authorization: "NONE",
        apiKeyRequired: true,
      },
      parent,
    );
    // The integration calls the version the stage variable names, so a canary can send its share to
    // the newest version while the stage keeps the stable one: the stable and canary traffic run
    // different code, and a deployment never has to change to move traffic between them.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/canary-release.html
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/amazon-api-gateway-using-stage-variables.html
    const integration = new aws.apigateway.Integration(
      `${name}-integration`,
      {
        restApi: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        integrationHttpMethod: "POST",
        type: "AWS_PROXY",
        uri: backend.invokeArn.apply((uri) =>
          uri.replace(/\/invocations$/, `:\${stageVariables.${VERSION_VARIABLE}}/invocations`),
        ),
      },
      parent,
    );
    return { resource, method, integration };
  }

  /** Each version the stage can call needs its own permission (a permission covers one qualifier). */
  private allowInvocation(
    name: string,
    backend: aws.lambda.Function,
    current: pulumi.Input<string>,
    stable: string | undefined,
  ) {
    const invoke = (part: string, qualifier: pulumi.Input<string>) =>
      new aws.lambda.Permission(
        `${name}-invoke-${part}`,
        {
          action: "lambda:InvokeFunction",
          function: backend.name,
          qualifier,
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${this.api.executionArn}/*/POST/predictions`,
        },
        { parent: this },
      );
    invoke("newest", current);
    if (stable) invoke("stable", stable);
  }

  /** A new deployment only when the API's shape changes; code changes travel as versions. */
  private deploy(name: string, stageName: string, route: PredictionsRoute): aws.apigateway.Deployment {
    const { resource, method, integration } = route;
    const fingerprint = pulumi
      .all([resource.id, method.id, integration.id, integration.uri])
      .apply((parts) => createHash("sha256").update(parts.join("|")).digest("hex"));
    return new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: this.api.id,
        description: `Prediction API (${stageName})`,
        triggers: { redeployment: fingerprint },
      },
      { parent: this, dependsOn: [integration] },
    );
  }

  /** The stage, traced and with JSON access logs, and its canary when one is under way. */
  private stageServing(
    name: string,
    args: PredictionApiArgs,
    current: pulumi.Input<string>,
  ): aws.apigateway.Stage {
    const canary = args.canary && args.canary.percent > 0 ? args.canary : undefined;
    const stable = args.canary?.stableVersion;
    const accessLogs = logGroup(
      `${name}-access-logs`,
      {
        logGroupName: `/mlops/${pulumi.getStack()}/apigateway/${name}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyArn: args.kmsKeyArn,
      },
      this,
    );
    return new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.api.id,
        stageName: args.stageName,
        deployment: this.deployment.id,
        // The stage serves the stable version; a canary sends its share to the newest one.
        variables: { [VERSION_VARIABLE]: stable ?? current },
        canarySettings: pulumi.output(current).apply((newest) =>
          canary && stable && stable !== newest
            ? {
                deploymentId: this.deployment.id,
                percentTraffic: canary.percent,
                stageVariableOverrides: { [VERSION_VARIABLE]: newest },
                useStageCache: false,
              }
            : undefined,
        ),
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      },
      { parent: this, dependsOn: args.accountSettings ? [args.accountSettings] : [] },
    );
  }

  /** Every method's execution logs, metrics and throttling; the cache stays off but encrypted. */
  private methodSettings(name: string, args: PredictionApiArgs): aws.apigateway.MethodSettings {
    return new aws.apigateway.MethodSettings(
      `${name}-settings`,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          metricsEnabled: true,
          loggingLevel: "INFO",
          dataTraceEnabled: false,
          throttlingRateLimit: args.throttle.rateLimit,
          throttlingBurstLimit: args.throttle.burstLimit,
          cachingEnabled: false,
          cacheDataEncrypted: true,
        },
      },
      { parent: this, dependsOn: args.accountSettings ? [args.accountSettings] : [] },
    );
  }

  /** The API key callers send, in a usage plan that throttles them like the stage. */
  private keyForCallers(name: string, args: PredictionApiArgs): aws.apigateway.ApiKey {
    const parent = { parent: this };
    const plan = new aws.apigateway.UsagePlan(
      `${name}-usage-plan`,
      {
        description: `Callers of the ${args.stageName} prediction API`,
        apiStages: [{ apiId: this.api.id, stage: this.stage.stageName }],
        throttleSettings: { rateLimit: args.throttle.rateLimit, burstLimit: args.throttle.burstLimit },
      },
      parent,
    );
    const apiKey = new aws.apigateway.ApiKey(
      `${name}-key`,
      { description: `Key for the ${args.stageName} prediction API`, enabled: true },
      parent,
    );
    new aws.apigateway.UsagePlanKey(
      `${name}-plan-key`,
      { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: plan.id },
      parent,
    );
    return apiKey;
  }
}

/** The resource, method and integration a deployment of the API is fingerprinted from. */
interface PredictionsRoute {
  readonly resource: aws.apigateway.Resource;
  readonly method: aws.apigateway.Method;
  readonly integration: aws.apigateway.Integration;
}

/** The stage variable naming the microservice version the integration calls. */
export const VERSION_VARIABLE = "microserviceVersion";

/** One JSON object per request: who, what, how it went, how long it took. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  apiKeyId: "$context.identity.apiKeyId",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  path: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationLatencyMs: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
  canary: "$context.isCanaryRequest",
  xrayTraceId: "$context.xrayTraceId",
});
