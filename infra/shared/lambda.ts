import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "./aws-context";
import { logWriting, serviceRole, type Statement } from "./iam";
import { lambdaCode } from "./lambda-code";
import { logGroup } from "./log-group";

/** The Node.js runtime every function here uses; one place to move it forward. */
export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

/** Where a function runs in VPC mode. */
export interface VpcPlacement {
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
}

export interface HandlerFunctionArgs<TEvent, TResult> {
  /** The handler from `functions/`; Pulumi serializes it and the modules it uses into the archive. */
  readonly callback: aws.lambda.Callback<TEvent, TResult>;
  /**
   * The npm packages the handler's closure requires at run time; only these (and their dependencies)
   * are packed, and the AWS SDK clients among them come from the runtime (lambda-code.ts). A test
   * holds the list to the requires of the serialized closure.
   */
  readonly packages: readonly string[];
  /** What it is for, shown in the console. */
  readonly description: string;
  /** What the function may do, beyond writing its own logs and traces. */
  readonly statements: Statement[];
  /** Environment variables of the function. */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /** Seconds an invocation may take. */
  readonly timeoutSeconds?: number;
  /** Memory of the function, in MB. */
  readonly memorySize?: number;
  /** Caps how many copies run at once, so a burst of events cannot starve the account. */
  readonly reservedConcurrency?: number;
  /** Publish each change as a numbered version (callers that pin versions, e.g. an API canary). */
  readonly publish?: boolean;
  /** Encrypts what this creates. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention of the log groups, in days. */
  readonly logRetentionDays: number;
  /** Run inside these subnets and security groups (VPC mode). */
  readonly vpc?: VpcPlacement;
  /**
   * For a function invoked asynchronously (by EventBridge or CodePipeline): once Lambda's retries are
   * spent, the event goes to this encrypted queue instead of being discarded.
   */
  readonly failureQueue?: { readonly arn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
}

export interface HandlerFunction {
  fn: aws.lambda.CallbackFunction<unknown, unknown>;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  /** The asynchronous-invocation settings, when the function has a failure queue. */
  asyncConfig?: aws.lambda.FunctionEventInvokeConfig;
}

/**
 * A Lambda function from a handler module: arm64, X-Ray tracing, JSON logs in its own encrypted log
 * group, environment encrypted with the project key, and a role with only the given permissions.
 */
export function handlerFunction<TEvent, TResult>(
  name: string,
  args: HandlerFunctionArgs<TEvent, TResult>,
  parent: pulumi.Resource,
): HandlerFunction {
  const logs = logGroup(
    `${name}-logs`,
    {
      logGroupName: `/mlops/${pulumi.getStack()}/lambda/${name}`,
      retentionInDays: args.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
    },
    parent,
  );
  const role = functionRole(name, args, logs.arn, parent);
  const fn = new aws.lambda.CallbackFunction<TEvent, TResult>(
    name,
    {
      name: functionName(name),
      description: args.description,
      callback: args.callback,
      codePathOptions: lambdaCode(args.packages),
      role: role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      timeout: args.timeoutSeconds ?? 30,
      memorySize: args.memorySize ?? 256,
      reservedConcurrentExecutions: args.reservedConcurrency,
      publish: args.publish,
      tracingConfig: { mode: "Active" },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: logs.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      kmsKeyArn: args.kmsKeyArn,
      vpcConfig: args.vpc
        ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
        : undefined,
      environment: {
        variables: {
          POWERTOOLS_SERVICE_NAME: name,
          ...args.environment,
        },
      },
    },
    { parent, dependsOn: [logs] },
  );
  const asyncConfig = args.failureQueue && failureDestination(name, fn, args.failureQueue, role, parent);
  return { fn: fn as aws.lambda.CallbackFunction<unknown, unknown>, role, logGroup: logs, asyncConfig };
}

/** The function's role: its logs, traces, own environment key, network and failure queue, and `statements`. */
function functionRole<TEvent, TResult>(
  name: string,
  args: HandlerFunctionArgs<TEvent, TResult>,
  logGroupArn: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  return serviceRole(
    `${name}-role`,
    {
      service: "lambda.amazonaws.com",
      description: `Runs the ${name} function`,
      statements: [
        logWriting(logGroupArn),
        {
          Sid: "WriteTraces",
          // X-Ray has no resource-level permissions for these actions.
          Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          Resource: "*",
        },
        {
          Sid: "DecryptOwnEnvironment",
          Action: ["kms:Decrypt"],
          Resource: args.kmsKeyArn,
          Condition: {
            StringEquals: { "kms:EncryptionContext:LambdaFunctionName": functionName(name) },
          },
        },
        ...(args.vpc ? vpcStatements(args.ctx, args.vpc) : []),
        ...(args.failureQueue ? failureQueueStatements(args.ctx, args.failureQueue) : []),
        ...args.statements,
      ],
      ctx: args.ctx,
    },
    parent,
  );
}

/**
 * Where an asynchronous invocation that failed every retry goes. Lambda sends to an on-failure
 * destination with the function's own role.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function failureDestination(
  name: string,
  fn: aws.lambda.Function,
  queue: { arn: pulumi.Input<string> },
  role: aws.iam.Role,
  parent: pulumi.Resource,
): aws.lambda.FunctionEventInvokeConfig {
  return new aws.lambda.FunctionEventInvokeConfig(
    `${name}-async`,
    {
      functionName: fn.name,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: queue.arn } },
    },
    { parent, dependsOn: [role] },
  );
}

function failureQueueStatements(
  ctx: AwsContext,
  queue: { arn: pulumi.Input<string>; keyArn: pulumi.Input<string> },
): Statement[] {
  return [
    { Sid: "SendFailedEventsToQueue", Action: "sqs:SendMessage", Resource: queue.arn },
    {
      Sid: "EncryptFailedEvents",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: queue.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `sqs.${ctx.region}.amazonaws.com` } },
    },
  ];
}

/** Function names are fixed (not auto-named) so the role's KMS condition can name the function. */
export function functionName(name: string): string {
  return `${name}-${pulumi.getStack()}`.slice(0, 64);
}

/** The network-interface permissions Lambda needs in a VPC, limited to the given subnets and groups. */
function vpcStatements(ctx: AwsContext, vpc: VpcPlacement): Statement[] {
  return [
    {
      Sid: "CreateInterfacesInOwnSubnets",
      Action: "ec2:CreateNetworkInterface",
      Resource: [
        ...vpc.subnetIds.map((id) => arn(ctx, "ec2", `subnet/${id}`)),
        ...vpc.securityGroupIds.map((id) => arn(ctx, "ec2", `security-group/${id}`)),
        arn(ctx, "ec2", "network-interface/*"),
      ],
    },
    {
      Sid: "ManageOwnInterfaces",
      Action: [
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      Resource: arn(ctx, "ec2", "network-interface/*"),
    },
    // EC2 Describe calls have no resource-level permissions.
    {
      Sid: "DescribeNetwork",
      Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      Resource: "*",
    },
  ];
}
