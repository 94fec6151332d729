import { z } from "zod";
import { NamedError } from "../config/named-error";
import { describeIssues, showValue } from "../config/validation";
import { MODEL_PACKAGE_ARN_PATTERN, RUN_ID_PATTERN } from "../functions/lib/run-input";
import { DEFAULT_TRIGGER_PATHS } from "../functions/lib/watched-paths";
import { rolloutProblems } from "./environments/blue-green";
import { CONNECTION_ARN, MAX_TRIGGER_GLOBS, sourceSettings } from "./cicd/source-settings";

/** The Pulumi project name; config keys of this program live in its namespace (`mlops:<key>`). */
export const PROJECT = "mlops";
export const STACKS = ["test", "prod"] as const;
export type StackName = (typeof STACKS)[number];

/** Log group retention values CloudWatch accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const CODEBUILD_COMPUTE_TYPES = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
] as const;

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "must be an AWS region such as us-west-2");
const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );
const tagMap = z.record(
  z.string().regex(/^[\w .:/=+@-]{1,128}$/, "tag keys are 1-128 letters, digits, spaces or _.:/=+-@"),
  z.string().max(256, "tag values are at most 256 characters"),
);

/** VPC mode: functions and models run in these subnets; a `sagemaker.runtime` interface endpoint serves them. */
const vpc = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/, "must be a VPC id such as vpc-0abc123")
      .describe("the VPC the functions, models and monitoring jobs run in"),
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-z]+$/, "must be a subnet id such as subnet-0abc123"))
      .min(1, "needs at least one subnet (two in different zones for availability)")
      .describe("private subnets, in two zones or more"),
    securityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-z]+$/, "must be a security group id such as sg-0abc123"))
      .min(1, "needs at least one security group")
      .describe("security groups of the functions, models and the runtime endpoint"),
    runtimeEndpointId: z
      .string()
      .regex(/^vpce-[0-9a-f]+$/, "must be a VPC endpoint id such as vpce-0abc123")
      .optional()
      .describe(
        "reuse this `sagemaker.runtime` endpoint (the other stack's, in the same VPC) instead of creating one",
      ),
    shareRuntimeEndpoint: z
      .boolean()
      .default(false)
      .describe(
        "the endpoint created here also serves the other stack (a VPC holds one private-DNS endpoint per service)",
      ),
  })
  .refine((v) => !(v.runtimeEndpointId && v.shareRuntimeEndpoint), {
    message:
      "runtimeEndpointId (reuse an endpoint) and shareRuntimeEndpoint (create one for both stacks) exclude each other; set one, on different stacks",
  });

/** The account of an IAM role ARN (`arn:aws:iam::<account>:role/...`). */
export const accountOfArn = (roleArn: string) => roleArn.split(":")[4];

/**
 * Production in its own account: both stacks take the same value. The pipeline account grants this
 * account's roles what they read; the prod stack deploys there through the deployment role.
 */
const prodAccount = z
  .strictObject({
    accountId: z
      .string()
      .regex(/^\d{12}$/, "must be a 12-digit AWS account id")
      .describe("the production account"),
    deployRoleArn: roleArn.describe(
      "the role in the production account the prod stack's provider assumes (`npm run bootstrap` creates it)",
    ),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, "must be 2-64 letters, digits or +=,.@-_ (an STS role session name)")
      .default("mlops-prod-deploy")
      .describe("the session name the provider assumes the role with; the role's trust requires it"),
    pipelineRoleArn: roleArn
      .optional()
      .describe(
        "the pipeline-account role the Deploy stage runs `pulumi up -s prod` as, the only one the prod role trusts (default: deployRoleArn; give the Deploy stage a role of its own so the Build stage cannot reach production)",
      ),
  })
  .refine((prod) => accountOfArn(prod.deployRoleArn) === prod.accountId, {
    message: "deployRoleArn must be a role in accountId (the production account)",
  });

const apiThrottle = z.strictObject({
  rateLimit: z
    .number()
    .positive("must be above 0 (requests per second)")
    .describe("steady requests per second"),
  burstLimit: z.number().int().positive("must be a whole number above 0").describe("requests in a burst"),
});

const common = {
  "aws:region": region.describe("AWS region of the stack"),
  vpc: vpc.optional().describe("VPC mode; without it nothing runs in a VPC"),
  apiThrottle: apiThrottle
    .default({ rateLimit: 50, burstLimit: 100 })
    .describe("the prediction API's usage-plan throttle"),
  prodAccount: prodAccount
    .optional()
    .describe("production in its own AWS account; without it both stacks share one account"),
  tags: tagMap
    .default({})
    .describe(
      "extra tags on every resource (the provider's defaultTags), besides project, stack and component",
    ),
  alarmEmail: z
    .email("must be an email address")
    .optional()
    .describe(
      "subscribed to the stack's alarms: undeliverable triggers (test); drift and a silent monitor (prod)",
    ),
  logRetentionDays: z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(365)
    .describe(`retention of every log group, in days: ${LOG_RETENTION_DAYS.join(", ")}`),
};

const testStack = z
  .strictObject({
    ...common,
    repositoryName: z
      .string()
      .regex(/^[\w.-]{1,100}$/, "must be 1-100 letters, digits, '.', '_' or '-'")
      .default("mlops-repo")
      .describe("CodeCommit repository name"),
    source: sourceSettings.describe(
      'where the code lives: {"kind": "codecommit"} (default) or a CodeConnections repository',
    ),
    branch: z
      .string()
      .regex(/^(?!\/|.*\/\/|.*\.\.|.*\/$)[\w./-]{1,200}$/, "must be a git branch name such as main")
      .default("main")
      .describe("the branch whose pushes run the pipeline and that pull requests target"),
    triggerPaths: z
      .array(z.string().min(1, "a glob cannot be empty"))
      .min(1, 'needs at least one glob, or every push would be ignored; use ["**"] to build on every push')
      .default(DEFAULT_TRIGGER_PATHS)
      .describe(
        'a push runs the pipeline only if it changes a path matching one of these globs (["**"]: every push)',
      ),
    stateBackendUrl: z
      .string()
      .regex(
        /^(s3|azblob|gs):\/\/[^\s]+$|^https:\/\/[^\s]+$/,
        "must be a shared Pulumi backend (s3://bucket[/prefix], https://api.pulumi.com, azblob:// or gs://); file:// would be lost with each build",
      )
      .describe("the backend the builds `pulumi login` to"),
    secretsProvider: z
      .string()
      .regex(
        /^(default|awskms:\/\/[^\s]+)$/,
        "must be 'default' (Pulumi Cloud) or awskms://<key-id-or-alias>?region=<region>",
      )
      .default("default")
      .describe("secrets provider for stacks the builds create: default or awskms://<key>?region=<region>"),
    pulumiAccessTokenParameter: z
      .string()
      .regex(/^\/?[\w.\-/]{1,2048}$/, "must be an SSM parameter name such as /mlops/pulumi-access-token")
      .optional()
      .describe("SSM SecureString holding a Pulumi access token; required for an https:// backend"),
    deployRoleArn: roleArn.describe("the role `pulumi up` assumes in the Build and Deploy stages"),
    previewRoleArn: roleArn
      .optional()
      .describe(
        "the role the pull-request check assumes for previews (read-only is enough); default: deployRoleArn",
      ),
    pulumiVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be a Pulumi CLI version such as 3.248.0")
      // From 3.151.0 the engine gives stack transforms the parent's URN (the component tag reads it)
      // and asks the provider before replacing resources that move to the stack's provider.
      .refine(
        (version) => !/^\d+\.\d+\.\d+$/.test(version) || atLeast(version, [3, 151, 0]),
        "must be 3.151.0 or later",
      )
      .default("3.248.0")
      .describe("the Pulumi CLI version the builds install"),
    buildImage: z
      .string()
      .min(1)
      .default("aws/codebuild/amazonlinux-x86_64-standard:5.0")
      .describe("CodeBuild image"),
    buildComputeType: z
      .enum(CODEBUILD_COMPUTE_TYPES, `must be one of ${CODEBUILD_COMPUTE_TYPES.join(", ")}`)
      .default("BUILD_GENERAL1_SMALL")
      .describe("CodeBuild compute type"),
    approvalEmail: z
      .email("must be an email address")
      .optional()
      .describe("subscribed to approval requests (otherwise subscribe to the approvalTopicArn output)"),
    testSuite: z
      .strictObject({
        latencyBudgetMs: z
          .number()
          .positive("must be above 0")
          .describe("p95 latency the API must keep, in ms"),
        minAccuracy: z
          .number()
          .min(0)
          .max(1, "must be between 0 and 1")
          .describe("share of known rows classed right"),
      })
      .default({ latencyBudgetMs: 1500, minAccuracy: 0.8 })
      .describe("what the Test stage's suite requires of the test API"),
    manageApiGatewayAccount: z
      .boolean()
      .default(true)
      .describe(
        "this stack sets API Gateway's account-wide CloudWatch role (one stack per account and region should)",
      ),
  })
  .superRefine((config, ctx) => {
    sourceProblems(config, ctx);
    const prod = config.prodAccount;
    if (!prod) return;
    const pipeline = accountOfArn(config.deployRoleArn);
    if (prod.accountId === pipeline) {
      ctx.addIssue({
        code: "custom",
        path: ["prodAccount", "accountId"],
        message: `is the pipeline account (deployRoleArn's); leave prodAccount out to keep both stacks in one account`,
      });
    }
    if (prod.pipelineRoleArn && accountOfArn(prod.pipelineRoleArn) !== pipeline) {
      ctx.addIssue({
        code: "custom",
        path: ["prodAccount", "pipelineRoleArn"],
        message: `must be a role in the pipeline account (${pipeline}, deployRoleArn's)`,
      });
    }
    if (config.vpc?.shareRuntimeEndpoint) {
      ctx.addIssue({
        code: "custom",
        path: ["vpc", "shareRuntimeEndpoint"],
        message: "cannot serve the prod stack, which runs in another account (prodAccount); turn it off",
      });
    }
  });

const prodStackFields = z.strictObject({
  ...common,
  testStackName: z
    .string()
    .regex(/^([\w.-]+\/){0,2}[\w.-]+$/, "must be a stack name: test, <project>/test or <org>/<project>/test")
    .describe("the test stack whose outputs (key, bucket, model group, role) prod reads"),
  approvedModelPackageArn: z
    .string()
    .regex(
      MODEL_PACKAGE_ARN_PATTERN,
      "must be a versioned model package ARN: arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>",
    )
    .describe("the approved model prod serves; set by the Deploy stage or `npm run rollback`"),
  approvedRunId: z
    .string()
    .regex(RUN_ID_PATTERN, "must be a pipeline run id such as 20261128-082410-0123456")
    .describe("the run that produced it; its data-quality baseline is what monitoring compares with"),
  rollout: z
    .strictObject({
      mode: z
        .enum(["CANARY", "LINEAR"], "must be CANARY or LINEAR")
        .describe("one canary step, or linear steps"),
      stepPercent: z
        .number()
        .int()
        .min(1)
        .max(50, "must be 1-50 (percent of capacity per step)")
        .describe("capacity shifted per step, in percent (LINEAR steps: 10-50, as SageMaker requires)"),
      waitSeconds: z.number().int().min(0).max(3600, "must be 0-3600").describe("time between steps"),
      terminationWaitSeconds: z
        .number()
        .int()
        .min(0)
        .max(3600, "must be 0-3600")
        .describe("time the old fleet stays after the shift, for a quick way back"),
    })
    // SageMaker's own rules for the update (linear steps of 10-50%, a timeout over every wait).
    .superRefine((rollout, ctx) => {
      for (const problem of rolloutProblems(rollout)) ctx.addIssue({ code: "custom", message: problem });
    })
    .default({ mode: "CANARY", stepPercent: 10, waitSeconds: 300, terminationWaitSeconds: 300 })
    .describe(
      "blue/green traffic shifting of the prod endpoint; the ML config's release section says what rolls it back",
    ),
  manageApiGatewayAccount: z
    .boolean()
    .optional()
    .describe(
      "this stack sets API Gateway's account-wide CloudWatch role (default: when production has its own account, where no other stack does)",
    ),
  apiCanaryPercent: z
    .number()
    .min(0)
    .max(100, "must be 0-100 (0 turns the API canary off)")
    .default(10)
    .describe("share of API requests sent to the microservice's newest version (0: no canary)"),
  apiStableVersion: z
    .string()
    .regex(
      /^[1-9]\d*$/,
      "must be a published version number of the prod microservice, such as 7 (the apiNewestVersion output)",
    )
    .optional()
    .describe("the microservice version the API stage keeps serving during a canary"),
  monitoring: z
    .strictObject({
      scheduleExpression: z
        .string()
        .regex(/^cron\(.+\)$/, "must be a cron() expression, e.g. cron(0 * ? * * *) for hourly")
        .describe("when Model Monitor runs"),
      driftThreshold: z
        .number()
        .positive("must be above 0")
        .describe("drift distance above which the alarm fires"),
      instanceType: z
        .string()
        .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, "must be a SageMaker instance type")
        .describe("the monitoring job's instance"),
      alarmFeatures: z
        .array(z.string().min(1))
        .max(10, "a CloudWatch alarm can watch at most 10 metrics")
        .optional()
        .describe("features the drift alarm watches (default: the first ten numeric ones)"),
      silentAfterHours: z
        .number()
        .int()
        .min(1)
        .max(
          168,
          "must be 1-168 hours (CloudWatch evaluates at most 7 days); set it above the schedule's interval",
        )
        .default(3)
        .describe("hours without a data-quality metric before the silent-monitor alarm fires"),
    })
    .default({
      scheduleExpression: "cron(0 * ? * * *)",
      driftThreshold: 0.2,
      instanceType: "ml.m5.large",
      silentAfterHours: 3,
    })
    .describe("Model Monitor on the prod endpoint and its alarms"),
});

/**
 * The prod stack need not name a role of the pipeline account (pipelineRoleArn is optional), but its
 * approved package always names that account: the model registry is there (prod-environment.ts
 * forwards the drift alarm to the account of the same ARN). So the test stack's rules hold here too.
 */
const prodStack = prodStackFields.superRefine((config, ctx) => {
  const prod = config.prodAccount;
  if (!prod) return;
  const pipeline = accountOfArn(config.approvedModelPackageArn);
  if (prod.accountId === pipeline) {
    ctx.addIssue({
      code: "custom",
      path: ["prodAccount", "accountId"],
      message:
        "is the pipeline account (approvedModelPackageArn's, where the model registry is); leave prodAccount out to keep both stacks in one account",
    });
  }
  if (prod.pipelineRoleArn && accountOfArn(prod.pipelineRoleArn) !== pipeline) {
    ctx.addIssue({
      code: "custom",
      path: ["prodAccount", "pipelineRoleArn"],
      message: `must be a role in the pipeline account (${pipeline}, approvedModelPackageArn's)`,
    });
  }
});

const schemas = { test: testStack, prod: prodStack } as const;

/** A stack's config schema, for tools that document it (docs/configuration.md). */
export const stackConfigSchema = (stack: StackName) => schemas[stack];

export type TestStackConfig = z.infer<typeof testStack>;
export type ProdStackConfig = z.infer<typeof prodStack>;
export type StackConfig =
  | ({ stack: "test" } & TestStackConfig & { region: string })
  | ({ stack: "prod" } & ProdStackConfig & { region: string });

/** Config keys each stack accepts (without the `mlops:` prefix, except provider keys). */
export function configKeys(stack: StackName): string[] {
  return Object.keys(schemas[stack].shape);
}

/**
 * A problem with the stack's configuration. The program raises it as Pulumi's `RunError`
 * (program-config.ts), so the Pulumi CLI prints only the message, never a stack trace; this
 * module stays free of Pulumi's SDK for the tools that only validate config (watch mode, bootstrap).
 */
export class StackConfigError extends NamedError {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super("StackConfigError", message);
  }
}

export function isStackName(name: string): name is StackName {
  return (STACKS as readonly string[]).includes(name);
}

/** Config values reach a program as strings; structured values (lists, objects, numbers) as JSON text. */
function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const fullKey = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);

/**
 * Validates raw config (`{"mlops:branch": "main", "aws:region": "us-west-2", ...}`, values as the CLI
 * hands them) for one stack. Pure: the offline harness and tests call it directly.
 */
export function parseStackConfig(stack: string, raw: Record<string, string>): StackConfig {
  if (!isStackName(stack)) {
    throw new StackConfigError(
      `Unknown stack "${stack}": this program has the stacks ${STACKS.join(" and ")}.`,
      [`stack = ${showValue(stack)}`],
    );
  }
  const schema = schemas[stack];
  const document: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const [namespace, name] = key.split(":", 2);
    if (namespace === PROJECT) {
      // String fields keep the text as given ("0123" stays a string); others are decoded from JSON.
      const field = schema.shape[name as keyof typeof schema.shape] as z.ZodType | undefined;
      document[name] = field && isStringField(field) ? value : decode(value);
    } else if (key === "aws:region") {
      document[key] = value;
    }
  }
  const result = schema.safeParse(document);
  if (!result.success) {
    const problems = describeIssues(
      result.error.issues,
      document,
      (path) => fullKey(String(path[0] ?? "")) + pathTail(path),
      schema,
    );
    const fixes = `Set a value with: pulumi config set <key> <value> -s ${stack} (structured values with --path or JSON)`;
    throw new StackConfigError(
      `Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}\n${fixes}`,
      problems,
    );
  }
  const parsed = result.data as Record<string, unknown>;
  if (
    stack === "test" &&
    typeof parsed.stateBackendUrl === "string" &&
    parsed.stateBackendUrl.startsWith("https://")
  ) {
    if (!parsed.pulumiAccessTokenParameter) {
      const problem = `${fullKey("pulumiAccessTokenParameter")} = (missing): required when ${fullKey("stateBackendUrl")} is a Pulumi Cloud URL; store the token as an SSM SecureString and give its name`;
      throw new StackConfigError(`Invalid configuration for stack "${stack}":\n  - ${problem}`, [problem]);
    }
  }
  return { ...parsed, stack, region: parsed["aws:region"] } as StackConfig;
}

function pathTail(path: readonly PropertyKey[]): string {
  return path
    .slice(1)
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("");
}

function isStringField(field: z.ZodType): boolean {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner instanceof z.ZodString || inner instanceof z.ZodEmail;
}

/** Whether a `major.minor.patch` version is at least `floor`. */
function atLeast(version: string, floor: [number, number, number]): boolean {
  const parts = version.split(".").map(Number);
  const first = parts.findIndex((part, i) => part !== floor[i]);
  return first === -1 || parts[first] > floor[first];
}

/**
 * A connection serves pipelines in its own region, and a V2 trigger filters pushes on at most 3 push
 * filters of 8 path globs, each at most 255 characters (CodePipeline API: GitPushFilterList,
 * GitFilePathPatternList, GitFilePathPattern).
 */
function sourceProblems(
  config: { source: z.infer<typeof sourceSettings>; "aws:region": string; triggerPaths: string[] },
  ctx: z.RefinementCtx,
): void {
  const source = config.source;
  if (source.kind !== "codeconnections") return;
  const region = source.connectionArn?.match(CONNECTION_ARN)?.[2];
  if (region && region !== config["aws:region"])
    ctx.addIssue({
      code: "custom",
      path: ["source", "connectionArn"],
      message: `is in ${region}; the pipeline runs in ${config["aws:region"]} and needs a connection there`,
    });
  if (config.triggerPaths.length > MAX_TRIGGER_GLOBS || config.triggerPaths.some((glob) => glob.length > 255))
    ctx.addIssue({
      code: "custom",
      path: ["triggerPaths"],
      message: `a CodeConnections source filters pushes natively: at most ${MAX_TRIGGER_GLOBS} globs of at most 255 characters`,
    });
}
