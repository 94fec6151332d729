import type * as pulumi from "@pulumi/pulumi";
import { CicdBackbone } from "../cicd/backbone";
import type { TestStackConfig } from "../config";
import { mlPipelineConfig } from "../ml-config";

/** The test stack: the CI/CD backbone (and, as they land, the ML pipeline and the test environment). */
export function testStack(
  config: TestStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  const ml = mlPipelineConfig();
  const backbone = new CicdBackbone("mlops", {
    region: config.region,
    repositoryName: config.repositoryName,
    branch: config.branch,
    triggerPaths: config.triggerPaths,
    dataPrefix: ml.data.stagingPrefix,
    pulumi: {
      version: config.pulumiVersion,
      backendUrl: config.stateBackendUrl,
      secretsProvider: config.secretsProvider,
      accessTokenParameter: config.pulumiAccessTokenParameter,
      deployRoleArn: config.deployRoleArn,
      previewRoleArn: config.previewRoleArn,
    },
    build: { image: config.buildImage, computeType: config.buildComputeType },
    logRetentionDays: config.logRetentionDays,
    approvalEmail: config.approvalEmail,
    tags: config.tags,
  });
  return {
    repositoryCloneUrlHttp: backbone.repository.cloneUrlHttp,
    stagingBucketName: backbone.stagingBucket.name,
    dataUploadPrefix: backbone.stagingBucket.name.apply(
      (bucket) => `s3://${bucket}/${ml.data.stagingPrefix}`,
    ),
    artifactBucketName: backbone.artifactBucket.name,
    kmsKeyArn: backbone.key.arn,
    pipelineName: backbone.pipeline.name,
    approvalTopicArn: backbone.approvalTopic.arn,
  };
}
