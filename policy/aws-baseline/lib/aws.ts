// Generated from policy/shared/aws.ts by `npm run policy:build`: edit that file, not this copy.
/**
 * The AWS resource classes the rules match, each service's module alone. The Pulumi CLI type-checks
 * a pack as it loads it (run-policy-pack registers ts-node with typeCheck), and `@pulumi/aws`'s index
 * pulls every service's declarations into that check, several times the files (and the time) that
 * `@pulumi/aws/s3` alone brings for one Bucket type. A rule for a new service adds its module here.
 */
export * as apigateway from "@pulumi/aws/apigateway";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as codebuild from "@pulumi/aws/codebuild";
export * as codepipeline from "@pulumi/aws/codepipeline";
export * as ec2 from "@pulumi/aws/ec2";
export * as glue from "@pulumi/aws/glue";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as sagemaker from "@pulumi/aws/sagemaker";
export * as sfn from "@pulumi/aws/sfn";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export type { ProviderArgs } from "@pulumi/aws/provider";
