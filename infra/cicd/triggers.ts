import { dataSetKeyPattern, dataSetsUnder } from "../../config/data-sets";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handler as dataTriggerHandler } from "../../functions/data-trigger";
import { handler as pushFilterHandler } from "../../functions/push-filter";
import type { AwsContext } from "../shared/aws-context";
import { kmsUseVia, policyDocument, serviceRole } from "../shared/iam";
import { handlerFunction } from "../shared/lambda";
import { newDataPattern, pullRequestBuildInput, pullRequestPattern, pushPattern } from "./event-patterns";
import { SOURCE_ACTION } from "./stages";

/** What the triggers start, watch and keep: the pipeline, the repository, the data prefix. */
export interface TriggerInputs {
  readonly ctx: AwsContext;
  /** Encrypts the trigger functions' environments and the dead-lettered events. */
  readonly keyArn: pulumi.Output<string>;
  /** Where EventBridge and the trigger functions put deliveries that failed for good. */
  readonly deadLetterQueue: aws.sqs.Queue;
  /** The CodeCommit repository; without one (a connection), the pipeline's own trigger filters pushes. */
  readonly repositoryArn?: pulumi.Output<string>;
  /** The branch whose pushes start runs and pull requests into which are checked. */
  readonly branch: string;
  /** Globs of paths whose change starts a run. */
  readonly triggerPaths: string[];
  readonly stagingBucketName: pulumi.Output<string>;
  /** Key prefix under which a new object starts a run. */
  readonly dataPrefix: string;
  /** File-name glob of this model's data sets under the prefix: only those start a run. */
  readonly dataFilePattern: string;
  readonly pipelineName: string;
  readonly pipelineArn: pulumi.Output<string>;
  /** With a connection: the pull-request events the check's webhook starts it on. */
  readonly pullRequestEvents?: string;
  /** The build that checks pull requests. */
  readonly prCheckProject: aws.codebuild.Project;
  readonly logRetentionDays: number;
}

/** EventBridge retries a target for an hour, then dead-letters the event. */
const RETRY_POLICY = { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 };

/**
 * The three ways a run starts: a push that changed a watched path (through the push filter), new data
 * in the staging bucket (through the data trigger, so the run trains on that object), and, for checks
 * only, a pull request. Deliveries that fail for good go to the dead-letter queue, where an alarm sees
 * them.
 */
export function releaseTriggers(name: string, inputs: TriggerInputs, component: pulumi.Resource) {
  const repositoryArn = inputs.repositoryArn;
  const codeCommit = repositoryArn && codeCommitRules(name, inputs, repositoryArn, component);
  const data = dataRule(name, inputs, component);
  const rules = codeCommit ? [codeCommit.push, data, codeCommit.pullRequest] : [data];
  deadLettersFrom(name, inputs, rules, component);
  const dataTrigger = dataTriggerFunction(name, inputs, component);
  invokedBy(name, "data-trigger", dataTrigger, data, inputs, component);
  if (!repositoryArn || !codeCommit) {
    pullRequestWebhook(name, inputs, component);
    return { deadLetterQueue: inputs.deadLetterQueue, dataTrigger };
  }
  const pushFilter = pushFilterFunction(name, inputs, repositoryArn, component);
  invokedBy(name, "push-filter", pushFilter, codeCommit.push, inputs, component);
  pullRequestCheck(name, codeCommit.pullRequest, inputs, component);
  return { deadLetterQueue: inputs.deadLetterQueue, pushFilter, dataTrigger };
}

/** Named, not auto-named: the key policy lets EventBridge dead-letter for rules named `${name}-*`. */
function rule(
  name: string,
  part: string,
  description: string,
  pattern: pulumi.Input<object>,
  parent: pulumi.Resource,
) {
  return new aws.cloudwatch.EventRule(
    `${name}-${part}`,
    {
      name: `${name}-${part}-${pulumi.getStack()}`,
      description,
      eventPattern: pulumi.jsonStringify(pattern),
      state: "ENABLED",
    },
    { parent },
  );
}

/** Pushes and pull requests of the CodeCommit repository. */
function codeCommitRules(
  name: string,
  inputs: TriggerInputs,
  repositoryArn: pulumi.Output<string>,
  component: pulumi.Resource,
) {
  const { branch } = inputs;
  return {
    push: rule(
      name,
      "on-push",
      `Push to ${branch}: start the pipeline when a watched path changed`,
      repositoryArn.apply((repo) => pushPattern(repo, branch)),
      component,
    ),
    pullRequest: rule(
      name,
      "on-pull-request",
      `Pull request to ${branch} opened or updated: run the PR check`,
      repositoryArn.apply((repo) => pullRequestPattern(repo, branch)),
      component,
    ),
  };
}

/** A new data set of this model in the staging bucket. */
function dataRule(name: string, inputs: TriggerInputs, component: pulumi.Resource) {
  const { dataPrefix, dataFilePattern } = inputs;
  const keys = dataSetKeyPattern(dataSetsUnder(dataPrefix, dataFilePattern));
  return rule(
    name,
    "on-new-data",
    `New data set ${dataPrefix}${dataFilePattern} in the staging bucket: start the pipeline`,
    inputs.stagingBucketName.apply((bucket) => newDataPattern(bucket, keys)),
    component,
  );
}

/** EventBridge may dead-letter events of these rules, and of no others. */
function deadLettersFrom(
  name: string,
  inputs: TriggerInputs,
  rules: aws.cloudwatch.EventRule[],
  component: pulumi.Resource,
) {
  new aws.sqs.QueuePolicy(
    `${name}-trigger-dlq-policy`,
    {
      queueUrl: inputs.deadLetterQueue.url,
      policy: policyDocument([
        {
          Sid: "EventBridgeDeadLetters",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: inputs.deadLetterQueue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
        },
      ]),
    },
    { parent: component },
  );
}

/** What both trigger functions share: invoked asynchronously, each failed event kept. */
function triggerCommon(inputs: TriggerInputs) {
  const { ctx, keyArn } = inputs;
  return {
    common: {
      // The pipeline queues runs itself; a few concurrent copies are plenty.
      reservedConcurrency: 2,
      kmsKeyArn: keyArn,
      logRetentionDays: inputs.logRetentionDays,
      failureQueue: { arn: inputs.deadLetterQueue.arn, keyArn },
      ctx,
    },
    startPipeline: {
      Sid: "StartPipeline",
      Action: "codepipeline:StartPipelineExecution",
      Resource: inputs.pipelineArn,
    },
  };
}

/** Starts the pipeline, pinned to the pushed commit, when a push changed a watched path. */
function pushFilterFunction(
  name: string,
  inputs: TriggerInputs,
  repositoryArn: pulumi.Output<string>,
  component: pulumi.Resource,
) {
  const { common, startPipeline } = triggerCommon(inputs);
  return handlerFunction(
    `${name}-push-filter`,
    {
      callback: pushFilterHandler,
      packages: [
        "@aws-lambda-powertools/logger",
        "@aws-sdk/client-codecommit",
        "@aws-sdk/client-codepipeline",
        "minimatch",
        "zod",
      ],
      description: "Starts the pipeline for pushes that change a watched path",
      statements: [
        { Sid: "CompareCommits", Action: "codecommit:GetDifferences", Resource: repositoryArn },
        kmsUseVia(inputs.keyArn, ["codecommit"], inputs.ctx),
        startPipeline,
      ],
      environment: {
        PIPELINE_NAME: inputs.pipelineName,
        SOURCE_ACTION_NAME: SOURCE_ACTION,
        TRIGGER_PATHS: JSON.stringify(inputs.triggerPaths),
      },
      timeoutSeconds: 60,
      ...common,
    },
    component,
  ).fn;
}

/** Starts the pipeline on a new data set, training on that object. */
function dataTriggerFunction(name: string, inputs: TriggerInputs, component: pulumi.Resource) {
  const { common, startPipeline } = triggerCommon(inputs);
  return handlerFunction(
    `${name}-data-trigger`,
    {
      callback: dataTriggerHandler,
      packages: ["@aws-lambda-powertools/logger", "@aws-sdk/client-codepipeline", "zod"],
      description: "Starts the pipeline on a new data set, training on that object",
      statements: [startPipeline],
      environment: {
        PIPELINE_NAME: inputs.pipelineName,
        STAGING_BUCKET: inputs.stagingBucketName,
        DATA_PREFIX: inputs.dataPrefix,
        DATA_FILE_PATTERN: inputs.dataFilePattern,
      },
      timeoutSeconds: 30,
      ...common,
    },
    component,
  ).fn;
}

/** A rule's target is a function, which only that rule may invoke. */
function invokedBy(
  name: string,
  part: string,
  fn: aws.lambda.Function,
  rule: aws.cloudwatch.EventRule,
  inputs: TriggerInputs,
  component: pulumi.Resource,
) {
  new aws.lambda.Permission(
    `${name}-${part}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    },
    { parent: component },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-${part === "push-filter" ? "on-push" : "on-new-data"}-target`,
    {
      rule: rule.name,
      arn: fn.arn,
      retryPolicy: RETRY_POLICY,
      deadLetterConfig: { arn: inputs.deadLetterQueue.arn },
    },
    { parent: component },
  );
}

/** Pull requests start the PR-check build, through a role EventBridge assumes. */
function pullRequestCheck(
  name: string,
  rule: aws.cloudwatch.EventRule,
  inputs: TriggerInputs,
  component: pulumi.Resource,
) {
  const eventsRole = serviceRole(
    `${name}-events-role`,
    {
      service: "events.amazonaws.com",
      description: "Lets EventBridge start the PR check on pull requests",
      statements: [
        { Sid: "StartPullRequestCheck", Action: "codebuild:StartBuild", Resource: inputs.prCheckProject.arn },
      ],
      ctx: inputs.ctx,
    },
    component,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-on-pull-request-target`,
    {
      rule: rule.name,
      arn: inputs.prCheckProject.arn,
      roleArn: eventsRole.arn,
      inputTransformer: pullRequestBuildInput,
      retryPolicy: RETRY_POLICY,
      deadLetterConfig: { arn: inputs.deadLetterQueue.arn },
    },
    { parent: component },
  );
}

/**
 * With a connection, the provider's webhook starts the check on pull requests into the branch, and
 * CodeBuild reports the outcome as the pull request's build status. Filter patterns other than
 * EVENT are RE2 regular expressions (CodeBuild API, WebhookFilter).
 */
function pullRequestWebhook(name: string, inputs: TriggerInputs, component: pulumi.Resource) {
  if (!inputs.pullRequestEvents) return;
  new aws.codebuild.Webhook(
    `${name}-pr-check-webhook`,
    {
      projectName: inputs.prCheckProject.name,
      buildType: "BUILD",
      filterGroups: [
        {
          filters: [
            { type: "EVENT", pattern: inputs.pullRequestEvents },
            { type: "BASE_REF", pattern: `^refs/heads/${escapeRegex(inputs.branch)}$` },
            // The same globs as pushes: a pull request that changes no watched path is not checked.
            { type: "FILE_PATH", pattern: globsAsRegex(inputs.triggerPaths) },
          ],
        },
      ],
    },
    { parent: component },
  );
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Path globs as one RE2 regular expression matching the same paths (dot files included, as the
 * push filter's minimatch matches them): `**` any depth, `*` within a segment, `?` one character,
 * `{a,b}` either.
 */
export function globsAsRegex(globs: readonly string[]): string {
  return `^(${globs.map(globAsRegex).join("|")})$`;
}

function globAsRegex(glob: string): string {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      braces++;
      out += "(";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else out += escapeRegex(c);
  }
  return out;
}
