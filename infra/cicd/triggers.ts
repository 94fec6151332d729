import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
  repositoryArn: pulumi.Output<string>;
  stagingBucketName: pulumi.Output<string>;
  pipelineName: string;
  pipelineArn: pulumi.Output<string>;
  args: CicdBackboneArgs;
  prCheckProject: aws.codebuild.Project;
}

/**
 * The three ways a run starts: a push that changed a watched path (through the push filter), new data
 * in the staging bucket, and, for checks only, a pull request. Failed deliveries go to a dead-letter queue.
 */
export function releaseTriggers(name: string, t: TriggerInputs, component: pulumi.Resource) {
  const { ctx, tags, args } = t;
  const parent = { parent: component };
  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-trigger-dlq`,
    { kmsMasterKeyId: t.keyArn, messageRetentionSeconds: 14 * 24 * 3600, tags },
    parent,
  );
  const retryPolicy = { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 };
  const deadLetterConfig = { arn: deadLetterQueue.arn };

  const rule = (part: string, description: string, pattern: pulumi.Input<object>) =>
    new aws.cloudwatch.EventRule(
      `${name}-${part}`,
      { description, eventPattern: pulumi.jsonStringify(pattern), state: "ENABLED", tags },
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
      // The pipeline queues runs itself; a few concurrent filters are plenty.
      reservedConcurrency: 2,
      kmsKeyArn: t.keyArn,
      logRetentionDays: args.logRetentionDays,
      ctx,
      tags,
    },
    component,
  );
  new aws.lambda.Permission(
    `${name}-push-filter-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: filter.fn.name,
      principal: "events.amazonaws.com",
      sourceArn: pushRule.arn,
    },
    parent,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-on-push-target`,
    { rule: pushRule.name, arn: filter.fn.arn, retryPolicy, deadLetterConfig },
    parent,
  );

  const eventsRole = serviceRole(
    `${name}-events-role`,
    {
      service: "events.amazonaws.com",
      description: "Lets EventBridge start the pipeline on new data and the PR check on pull requests",
      statements: [
        {
          Sid: "StartPipelineOnNewData",
          Action: "codepipeline:StartPipelineExecution",
          Resource: t.pipelineArn,
        },
        { Sid: "StartPullRequestCheck", Action: "codebuild:StartBuild", Resource: t.prCheckProject.arn },
      ],
      ctx,
      tags,
    },
    component,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-on-new-data-target`,
    { rule: dataRule.name, arn: t.pipelineArn, roleArn: eventsRole.arn, retryPolicy, deadLetterConfig },
    parent,
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
  return { deadLetterQueue };
}
