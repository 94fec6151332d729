import * as pulumi from "@pulumi/pulumi";
import { arn, modelGroupArns, type AwsContext } from "../shared/aws-context";
import { kmsUseVia, logWriting, type Statement } from "../shared/iam";

/** Permission sets of the backbone's roles, each scoped to the exact resources it touches. */

export interface BuildAccess {
  ctx: AwsContext;
  keyArn: pulumi.Input<string>;
  logGroupArn: pulumi.Input<string>;
  /** The role Pulumi assumes to preview or deploy. */
  pulumiRoleArn: string;
  /** SSM parameter holding the Pulumi access token, when the backend is Pulumi Cloud. */
  accessTokenParameter?: string;
}

export function buildStatements(access: BuildAccess, extra: Statement[]): Statement[] {
  const statements: Statement[] = [
    logWriting(access.logGroupArn),
    { Sid: "AssumePulumiRole", Action: "sts:AssumeRole", Resource: access.pulumiRoleArn },
    ...extra,
  ];
  if (access.accessTokenParameter) {
    const parameter = access.accessTokenParameter.replace(/^\//, "");
    statements.push(
      {
        Sid: "ReadPulumiToken",
        Action: "ssm:GetParameters",
        Resource: arn(access.ctx, "ssm", `parameter/${parameter}`),
      },
      {
        Sid: "DecryptPulumiToken",
        Action: "kms:Decrypt",
        Resource: arn(access.ctx, "kms", "key/*"),
        Condition: { StringEquals: { "kms:ViaService": `ssm.${access.ctx.region}.amazonaws.com` } },
      },
    );
  }
  return statements;
}

/**
 * The Deploy build records the release in the model registry: Approved once prod serves the model,
 * Rejected when the deploy failed or rolled back (see buildspecs.ts).
 */
export function recordReleases(ctx: AwsContext, modelPackageGroupName: pulumi.Input<string>): Statement {
  return {
    Sid: "RecordReleasesInRegistry",
    Action: "sagemaker:UpdateModelPackage",
    Resource: modelGroupArns(ctx, modelPackageGroupName).packages,
  };
}

export function artifactAccess(bucketArn: pulumi.Input<string>, write: boolean): Statement {
  return {
    Sid: write ? "ReadWriteArtifacts" : "ReadArtifacts",
    Action: ["s3:GetObject", "s3:GetObjectVersion", ...(write ? ["s3:PutObject"] : [])],
    Resource: pulumi.interpolate`${bucketArn}/*`,
  };
}

export function pipelineStatements(args: {
  ctx: AwsContext;
  keyArn: pulumi.Input<string>;
  artifactBucketArn: pulumi.Input<string>;
  /** The source's statements and the services that use the key while fetching it. */
  source: { statements: Statement[]; keyServices: string[] };
  buildProjectArns: pulumi.Input<string>[];
  functionArns: pulumi.Input<string>[];
  approvalTopicArn: pulumi.Input<string>;
}): Statement[] {
  const statements: Statement[] = [
    artifactAccess(args.artifactBucketArn, true),
    {
      Sid: "CheckArtifactBucket",
      Action: ["s3:GetBucketVersioning", "s3:GetBucketLocation"],
      Resource: args.artifactBucketArn,
    },
    kmsUseVia(args.keyArn, ["s3", ...args.source.keyServices, "sns"], args.ctx),
    ...args.source.statements,
    {
      Sid: "RunBuilds",
      Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
      Resource: args.buildProjectArns,
    },
    { Sid: "AskForApproval", Action: "sns:Publish", Resource: args.approvalTopicArn },
  ];
  if (args.functionArns.length > 0) {
    statements.push({
      Sid: "InvokeStageFunctions",
      Action: "lambda:InvokeFunction",
      Resource: args.functionArns,
    });
  }
  return statements;
}
