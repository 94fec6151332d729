import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handler as dataTriggerHandler } from "../../functions/data-trigger";
import { handler as pushFilterHandler } from "../../functions/push-filter";
import type { AwsContext } from "../shared/aws-context";
import { kmsUseVia, policyDocument, serviceRole } from "../shared/iam";
import { handlerFunction } from "../shared/lambda";
import type { CicdBackboneArgs } from "./backbone";
import { newDataPattern, pullRequestBuildInput, pullRequestPattern, pushPattern } from "./event-patterns";
import { SOURCE_ACTION } from "./stages";

export interface TriggerInputs {
  ctx: AwsContext;
  tags: Record<string, string>;
  keyArn: pulumi.Output<string>;
  /** Where EventBridge and the trigger functions put deliveries that failed for good. */
  deadLetterQueue: aws.sqs.Queue;
  repositoryArn: pulumi.Output<string>;
  stagingBucketName: pulumi.Output<string>;
  pipelineName: string;
  pipelineArn: pulumi.Output<string>;
  args: CicdBackboneArgs;
  prCheckProject: aws.codebuild.Project;
}

/**
 * The three ways a run starts: a push that changed a watched path (through the push filter), new data
 * in the staging bucket (through the data trigger, so the run trains on that object), and, for checks
 * only, a pull request. Deliveries that fail for good go to the dead-letter queue, where an alarm sees
 * them.
 */
export function releaseTriggers(name: string, t: TriggerInputs, component: pulumi.Resource) {
  const { ctx, tags, args } = t;
  const parent = { parent: component };
  const deadLetterQueue = t.deadLetterQueue;
  const retryPolicy = { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 };
  const deadLetterConfig = { arn: deadLetterQueue.arn };
  // Both trigger functions: EventBridge invokes them asynchronously, the pipeline queues runs itself,
  // so a few concurrent copies are plenty and a failed event is kept.
  const triggerFunction = {
    reservedConcurrency: 2,
    kmsKeyArn: t.keyArn,
    logRetentionDays: args.logRetentionDays,
    failureQueue: { arn: deadLetterQueue.arn, keyArn: t.keyArn },
    ctx,
    tags,
  };

  // Named, not auto-named: the key policy lets EventBridge dead-letter for rules named `${name}-*`.
  const rule = (part: string, description: string, pattern: pulumi.Input<object>) =>
    new aws.cloudwatch.EventRule(
      `${name}-${part}`,
      {
        name: `${name}-${part}-${pulumi.getStack()}`,
        description,
        eventPattern: pulumi.jsonStringify(pattern),
        state: "ENABLED",
        tags,
      },
      parent,
    );
  const pushRule = rule(
    "on-push",
    `Push to ${args.branch}: start the pipeline when a watched path changed`,
    t.repositoryArn.apply((repo) => pushPattern(repo, args.branch)),
  );
  const dataRule = rule(
    "on-new-data",
    `New object under ${args.dataPrefix} in the staging bucket: start the pipeline`,
    t.stagingBucketName.apply((bucket) => newDataPattern(bucket, args.dataPrefix)),
  );
  const pullRequestRule = rule(
    "on-pull-request",
    `Pull request to ${args.branch} opened or updated: run the PR check`,
    t.repositoryArn.apply((repo) => pullRequestPattern(repo, args.branch)),
  );

  new aws.sqs.QueuePolicy(
    `${name}-trigger-dlq-policy`,
    {
      queueUrl: deadLetterQueue.url,
      policy: policyDocument([
        {
          Sid: "EventBridgeDeadLetters",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: deadLetterQueue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": [pushRule.arn, dataRule.arn, pullRequestRule.arn] } },
        },
      ]),
    },
    parent,
  );

  const filter = handlerFunction(
    `${name}-push-filter`,
    {
      callback: pushFilterHandler,
      description: "Starts the pipeline for pushes that change a watched path",
      statements: [
        { Sid: "CompareCommits", Action: "codecommit:GetDifferences", Resource: t.repositoryArn },
        kmsUseVia(t.keyArn, ["codecommit"], ctx),
        { Sid: "StartPipeline", Action: "codepipeline:StartPipelineExecution", Resource: t.pipelineArn },
      ],
      environment: {
        PIPELINE_NAME: t.pipelineName,
        SOURCE_ACTION_NAME: SOURCE_ACTION,
        TRIGGER_PATHS: JSON.stringify(args.triggerPaths),
      },
      timeoutSeconds: 60,
      ...triggerFunction,
    },
    component,
  );
  const dataTrigger = handlerFunction(
    `${name}-data-trigger`,
    {
      callback: dataTriggerHandler,
      description: "Starts the pipeline on a new data set, training on that object",
      statements: [
        { Sid: "StartPipeline", Action: "codepipeline:StartPipelineExecution", Resource: t.pipelineArn },
      ],
      environment: {
        PIPELINE_NAME: t.pipelineName,
        STAGING_BUCKET: t.stagingBucketName,
        DATA_PREFIX: args.dataPrefix,
      },
      timeoutSeconds: 30,
      ...triggerFunction,
    },
    component,
  );
  const invokedBy = (part: string, fn: aws.lambda.Function, eventRule: aws.cloudwatch.EventRule) => {
    new aws.lambda.Permission(
      `${name}-${part}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: eventRule.arn,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${part === "push-filter" ? "on-push" : "on-new-data"}-target`,
      { rule: eventRule.name, arn: fn.arn, retryPolicy, deadLetterConfig },
      parent,
    );
  };
  invokedBy("push-filter", filter.fn, pushRule);
  invokedBy("data-trigger", dataTrigger.fn, dataRule);

  const eventsRole = serviceRole(
    `${name}-events-role`,
    {
      service: "events.amazonaws.com",
      description: "Lets EventBridge start the PR check on pull requests",
      statements: [
        { Sid: "StartPullRequestCheck", Action: "codebuild:StartBuild", Resource: t.prCheckProject.arn },
      ],
      ctx,
      tags,
    },
    component,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-on-pull-request-target`,
    {
      rule: pullRequestRule.name,
      arn: t.prCheckProject.arn,
      roleArn: eventsRole.arn,
      inputTransformer: pullRequestBuildInput,
      retryPolicy,
      deadLetterConfig,
    },
    parent,
  );
  return { deadLetterQueue, pushFilter: filter.fn, dataTrigger: dataTrigger.fn };
}
