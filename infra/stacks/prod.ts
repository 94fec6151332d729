import { awsContext } from "../shared/aws-context";
import type * as pulumi from "@pulumi/pulumi";
import type { ProdStackConfig } from "../stack-config";
import { ProdEnvironment } from "../environments/prod-environment";
import { mlPipelineConfig } from "../ml-pipeline-config";

/** The prod stack: the production environment, reading shared resources from the test stack. */
export function prodStack(
  config: ProdStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  const prod = new ProdEnvironment("mlops", {
    testStackName: config.testStackName,
    ctx: awsContext(config.region),
    config: mlPipelineConfig(),
    approvedModelPackageArn: config.approvedModelPackageArn,
    approvedRunId: config.approvedRunId,
    rollout: config.rollout,
    apiCanaryPercent: config.apiCanaryPercent,
    apiStableVersion: config.apiStableVersion,
    monitoring: config.monitoring,
    alarmEmail: config.alarmEmail,
    throttle: config.apiThrottle,
    vpc: config.vpc,
    logRetentionDays: config.logRetentionDays,
    tags: config.tags,
  });
  return {
    endpointName: prod.endpoint.name,
    apiUrl: prod.api.url,
    apiKeyId: prod.api.apiKey.id,
    apiDeploymentId: prod.api.deployment.id,
    apiNewestVersion: prod.api.newestVersion,
    alarmTopicArn: prod.alarmTopic.arn,
    servedModelPackageArn: prod.endpoint.name.apply(() => config.approvedModelPackageArn),
  };
}
