import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * SageMaker's own images, from the AWS provider's table of SageMaker registries per region
 * (`aws.sagemaker.getPrebuiltEcrImage`): no account list is kept here, and a region the provider does
 * not know fails the preview with the provider's message.
 *
 * SageMaker pulls these images with service-owned credentials, so the roles that run jobs need no ECR
 * permission for them ("Docker Registry Paths and Example Code",
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-algo-docker-registry-paths.html).
 */

/**
 * The built-in XGBoost algorithm's repository, without a tag: each run's config picks the version.
 * `version` is the committed config's, so an unsupported version or region fails at preview too.
 */
export function xgboostRepository(version: string, parent: pulumi.Resource): pulumi.Output<string> {
  return aws.sagemaker
    .getPrebuiltEcrImageOutput({ repositoryName: "sagemaker-xgboost", imageTag: version }, { parent })
    .registryPath.apply((path) => path.slice(0, path.lastIndexOf(":")));
}

/**
 * Model Monitor's analyzer, which AWS publishes untagged, i.e. `latest` ("Amazon SageMaker Model
 * Monitor prebuilt container", https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html).
 */
export function modelMonitorImage(parent: pulumi.Resource): pulumi.Output<string> {
  return aws.sagemaker.getPrebuiltEcrImageOutput(
    { repositoryName: "sagemaker-model-monitor-analyzer", imageTag: "latest" },
    { parent },
  ).registryPath;
}
