import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grantToProdRoles, prodPrincipalArns, type ProdAccount } from "../shared/cross-account";
import { xgboostRepository } from "../shared/prebuilt-images";
import { join } from "node:path";
import type { MlDeploymentSettings } from "../../config/deployment-settings";
import { handler as controllerHandler } from "../../functions/controller";
import { handler as runnerHandler } from "../../functions/pipeline-runner";
import { tuningJobPrefix } from "../../functions/lib/run-input";
import { arn, modelGroupArns, type AwsContext } from "../shared/aws-context";
import { policyDocument, serviceRole } from "../shared/iam";
import { handlerFunction, functionName } from "../shared/lambda";
import { logGroup } from "../shared/log-group";
import type { SecureBucket } from "../shared/secure-bucket";
import {
  controllerStatements,
  glueStatements,
  runnerStatements,
  sageMakerStatements,
  type MlNames,
} from "./roles";
import { stateMachineStatements } from "./state-machine-role";
import { pipelineDefinition } from "./state-machine";

const ETL_DIR = join(__dirname, "..", "..", "etl");

export interface MlPipelineArgs {
  /** What the stack deploys from the ML config (names, data layout, image version, release, retraining). */
  readonly config: MlDeploymentSettings;
  /** Path of that config file; it is published to the staging bucket for the Glue job and the runner. */
  readonly configPath: string;
  /** Staging bucket for data, run outputs, scripts and the published config. */
  readonly stagingBucket: SecureBucket;
  /** Encrypts everything the pipeline writes. */
  readonly key: aws.kms.Key;
  /** CodePipeline invokes the runner asynchronously; an invocation that keeps failing lands here. */
  readonly deadLetterQueue?: aws.sqs.Queue;
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
  /** Retention of the pipeline's log groups, in days. */
  readonly logRetentionDays: number;
  /** Production in its own account: its roles may describe and deploy the group's packages. */
  readonly prodAccount?: ProdAccount;
}

/** Where the published config lives in the staging bucket. */
export const CONFIG_KEY = "config/ml-pipeline-config.json";

/**
 * The ML pipeline: the Glue data-prep job, the Step Functions workflow that trains, evaluates, gates,
 * registers and deploys to the test endpoint, the model registry group, the SageMaker execution role,
 * and the controller and pipeline-runner functions.
 */
export class MlPipeline extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly glueJob: aws.glue.Job;
  readonly modelPackageGroup: aws.sagemaker.ModelPackageGroup;
  readonly sageMakerRole: aws.iam.Role;
  readonly controller: aws.lambda.Function;
  readonly pipelineRunner: aws.lambda.Function;
  /** Where each run's data-quality baseline lands (`<prefix><runId>/data/baseline/`). */
  readonly runsPrefix: pulumi.Output<string>;

  constructor(name: string, args: MlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:ml:MlPipeline", name, {}, opts);
    const names = mlNames(name, args);
    const scripts = this.publishInputs(name, args);
    this.modelPackageGroup = this.modelGroup(name, args, names);
    this.sageMakerRole = this.sageMakerExecutionRole(name, args, names);
    this.glueJob = this.dataPrep(name, args, names, scripts);
    this.controller = this.controllerFunction(name, args, names);
    this.stateMachine = this.workflow(name, args, names);
    this.pipelineRunner = this.runnerFunction(name, args, names);
    this.runsPrefix = pulumi.interpolate`s3://${args.stagingBucket.name}/runs/`;

    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      glueJobName: this.glueJob.name,
      modelPackageGroupName: this.modelPackageGroup.modelPackageGroupName,
      pipelineRunnerName: this.pipelineRunner.name,
      runsPrefix: this.runsPrefix,
    });
  }

  /** The config for the Glue job and the runner, and the job's scripts, which it reads from S3. */
  private publishInputs(name: string, args: MlPipelineArgs): GlueScripts {
    const publish = (part: string, key: string, path: string, contentType: string) =>
      new aws.s3.BucketObjectv2(
        `${name}-${part}`,
        {
          bucket: args.stagingBucket.name,
          key,
          source: new pulumi.asset.FileAsset(path),
          contentType,
          serverSideEncryption: "aws:kms",
          kmsKeyId: args.key.arn,
        },
        { parent: this },
      );
    publish("config", CONFIG_KEY, args.configPath, "application/json");
    return {
      main: publish("glue-script", "etl/glue_job.py", join(ETL_DIR, "glue_job.py"), "text/x-python"),
      transform: publish(
        "glue-transform",
        "etl/transform.py",
        join(ETL_DIR, "transform.py"),
        "text/x-python",
      ),
    };
  }

  private modelGroup(name: string, args: MlPipelineArgs, names: MlNames) {
    const group = new aws.sagemaker.ModelPackageGroup(
      `${name}-models`,
      {
        modelPackageGroupName: names.modelPackageGroupName,
        modelPackageGroupDescription: `Models of ${args.config.name} that passed the gate (${pulumi.getStack()})`,
      },
      { parent: this },
    );
    if (args.prodAccount) shareModelsWithProd(`${name}-models`, group, args.prodAccount, args.ctx, this);
    return group;
  }

  private sageMakerExecutionRole(name: string, args: MlPipelineArgs, names: MlNames) {
    const { endpoints } = args.config;
    return serviceRole(
      `${name}-sagemaker-role`,
      {
        service: "sagemaker.amazonaws.com",
        description: "SageMaker training, batch scoring and hosting for the ML pipeline",
        statements: sageMakerStatements(names, [endpoints.test.name, endpoints.prod.name]),
        ctx: args.ctx,
      },
      this,
    );
  }

  private dataPrep(name: string, args: MlPipelineArgs, names: MlNames, scripts: GlueScripts) {
    const bucket = args.stagingBucket.name;
    const security = this.glueSecurity(name, args);
    const role = serviceRole(
      `${name}-glue-role`,
      {
        service: "glue.amazonaws.com",
        description: "Runs the data-prep job",
        statements: glueStatements(names),
        ctx: args.ctx,
      },
      this,
    );
    return new aws.glue.Job(
      `${name}-data-prep`,
      {
        name: names.glueJobName,
        description: "Validates, quarantines, splits and baselines the training data (etl/transform.py)",
        roleArn: role.arn,
        glueVersion: "5.0",
        command: {
          name: "glueetl",
          scriptLocation: pulumi.interpolate`s3://${bucket}/${scripts.main.key}`,
          pythonVersion: "3",
        },
        defaultArguments: {
          "--extra-py-files": pulumi.interpolate`s3://${bucket}/${scripts.transform.key}`,
          "--TempDir": pulumi.interpolate`s3://${bucket}/glue-temp/`,
          "--job-language": "python",
          "--enable-metrics": "true",
          "--enable-continuous-cloudwatch-log": "true",
          "--enable-observability-metrics": "true",
        },
        workerType: "G.1X",
        numberOfWorkers: 2,
        timeout: 60,
        maxRetries: 0,
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: security.name,
      },
      { parent: this, dependsOn: [scripts.main, scripts.transform] },
    );
  }

  /** The job's output, logs and bookmarks are encrypted with the project key. */
  private glueSecurity(name: string, args: MlPipelineArgs) {
    const kmsKeyArn = args.key.arn;
    return new aws.glue.SecurityConfiguration(
      `${name}-glue-security`,
      {
        name: `${name}-data-prep-${pulumi.getStack()}`,
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn },
        },
      },
      { parent: this },
    );
  }

  private controllerFunction(name: string, args: MlPipelineArgs, names: MlNames) {
    return handlerFunction(
      `${name}-controller`,
      {
        callback: controllerHandler,
        packages: ["@aws-lambda-powertools/logger", "@aws-sdk/client-s3", "@aws-sdk/client-sagemaker", "zod"],
        description: "ML pipeline steps: experiment tracking, test-split evaluation, endpoint checks",
        statements: controllerStatements(names),
        timeoutSeconds: 300,
        memorySize: 1024,
        // One run at a time (the pipeline queues); a few concurrent steps at most.
        reservedConcurrency: 5,
        kmsKeyArn: args.key.arn,
        logRetentionDays: args.logRetentionDays,
        ctx: args.ctx,
      },
      this,
    ).fn;
  }

  /** The state machine, its role and its execution logs; it calls the controller and the Glue job. */
  private workflow(name: string, args: MlPipelineArgs, names: MlNames) {
    const keyArn = args.key.arn;
    const logs = logGroup(
      `${name}-ml-pipeline-logs`,
      {
        logGroupName: `/mlops/${pulumi.getStack()}/states/${names.stateMachineName}`,
        retentionInDays: args.logRetentionDays,
        kmsKeyArn: keyArn,
      },
      this,
    );
    const role = serviceRole(
      `${name}-ml-pipeline-role`,
      {
        service: "states.amazonaws.com",
        description: "Runs the ML pipeline state machine",
        statements: stateMachineStatements(names, this.sageMakerRole.arn),
        ctx: args.ctx,
      },
      this,
    );
    return new aws.sfn.StateMachine(
      `${name}-ml-pipeline`,
      {
        name: names.stateMachineName,
        type: "STANDARD",
        roleArn: role.arn,
        definition: this.definition(names, keyArn),
        loggingConfiguration: {
          level: "ALL",
          includeExecutionData: true,
          logDestination: pulumi.interpolate`${logs.arn}:*`,
        },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: {
          type: "CUSTOMER_MANAGED_KMS_KEY",
          kmsKeyId: keyArn,
          kmsDataKeyReusePeriodSeconds: 300,
        },
      },
      { parent: this, dependsOn: [role, this.glueJob] },
    );
  }

  private definition(names: MlNames, keyArn: pulumi.Input<string>): pulumi.Output<string> {
    const { glueJobName } = names;
    return pulumi
      .all([this.controller.arn, this.sageMakerRole.arn, keyArn])
      .apply(([controllerFunctionArn, sageMakerRoleArn, kmsKeyArn]) =>
        JSON.stringify(
          pipelineDefinition({ glueJobName, controllerFunctionArn, sageMakerRoleArn, kmsKeyArn }),
        ),
      );
  }

  private runnerFunction(name: string, args: MlPipelineArgs, names: MlNames) {
    const keyArn = args.key.arn;
    return handlerFunction(
      `${name}-pipeline-runner`,
      {
        callback: runnerHandler,
        packages: [
          "@aws-lambda-powertools/logger",
          "@aws-sdk/client-codepipeline",
          "@aws-sdk/client-s3",
          "@aws-sdk/client-sfn",
          "zod",
        ],
        description: "CodePipeline Train stage: starts the ML pipeline and reports its result",
        statements: runnerStatements(names, CONFIG_KEY),
        environment: {
          STATE_MACHINE_ARN: this.stateMachine.arn,
          STAGING_BUCKET: args.stagingBucket.name,
          ML_CONFIG_KEY: CONFIG_KEY,
          MODEL_PACKAGE_GROUP: this.modelPackageGroup.modelPackageGroupName,
          XGBOOST_REPOSITORY: xgboostRepository(args.config.training.imageVersion, this),
        },
        timeoutSeconds: 60,
        reservedConcurrency: 2,
        failureQueue: args.deadLetterQueue && { arn: args.deadLetterQueue.arn, keyArn },
        kmsKeyArn: keyArn,
        logRetentionDays: args.logRetentionDays,
        ctx: args.ctx,
      },
      this,
    ).fn;
  }
}

/** The Glue job's scripts in the staging bucket: the job itself and the transform it imports. */
interface GlueScripts {
  readonly main: aws.s3.BucketObjectv2;
  readonly transform: aws.s3.BucketObjectv2;
}

/** The names and ARNs the roles are scoped to, known before the resources exist. */
function mlNames(name: string, args: MlPipelineArgs): MlNames {
  const stack = pulumi.getStack();
  const { ctx, config } = args;
  const stateMachineName = `${name}-ml-pipeline-${stack}`;
  return {
    ctx,
    keyArn: args.key.arn,
    bucketArn: args.stagingBucket.arn,
    glueJobName: `${name}-data-prep-${stack}`,
    runPrefix: config.name.toLowerCase().slice(0, 20),
    tuningPrefix: tuningJobPrefix(config.name),
    endpointName: config.endpoints.test.name,
    modelPackageGroupName: `${config.name}-${stack}`.slice(0, 63),
    experimentName: config.experiment.name,
    controllerArn: arn(ctx, "lambda", `function:${functionName(`${name}-controller`)}`),
    stateMachineArn: arn(ctx, "states", `stateMachine:${stateMachineName}`),
    stateMachineName,
  };
}

/**
 * The prod account's deployment and SageMaker roles may see the group and its packages and create a
 * model from an approved one; nothing else (no registering, approving or deleting). CreateModel with
 * a package of another account is authorized as sagemaker:CreateModel on that package, by the
 * group's policy as well as the caller's ("Deploy a Model Version from a Different Account":
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy-xaccount.html, whose group
 * policy grants sagemaker:CreateModel on model-package/<group>/*).
 */
function shareModelsWithProd(
  name: string,
  group: aws.sagemaker.ModelPackageGroup,
  prod: ProdAccount,
  ctx: AwsContext,
  parent: pulumi.Resource,
): aws.sagemaker.ModelPackageGroupPolicy {
  const packages = modelGroupArns(ctx, group.modelPackageGroupName).packages;
  return new aws.sagemaker.ModelPackageGroupPolicy(
    `${name}-prod-access`,
    {
      modelPackageGroupName: group.modelPackageGroupName,
      resourcePolicy: policyDocument([
        grantToProdRoles(
          "ProdAccountDeploysApprovedModels",
          prod,
          ctx.partition,
          prodPrincipalArns(prod, ctx.partition),
          {
            Action: [
              "sagemaker:DescribeModelPackageGroup",
              "sagemaker:DescribeModelPackage",
              "sagemaker:ListModelPackages",
              "sagemaker:CreateModel",
            ],
            Resource: pulumi
              .all([group.arn, packages])
              .apply(([groupArn, versions]) => [groupArn, ...versions]),
          },
        ),
      ]),
    },
    { parent },
  );
}
