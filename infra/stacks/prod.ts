import { awsContext } from "../shared/aws-context";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ProdAccount } from "../shared/cross-account";
import type { ProdStackConfig } from "../stack-config";
import { ProdEnvironment } from "../environments/prod-environment";
import { mlPipelineConfig } from "../ml-pipeline-config";

/** The prod stack: the production environment, reading shared resources from the test stack. */
export function prodStack(
  config: ProdStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  const provider = config.prodAccount && prodAccountProvider(config.region, config.prodAccount);
  const prod = new ProdEnvironment(
    "mlops",
    {
      testStackName: config.testStackName,
      ctx: awsContext(config.region, provider),
      prodAccount: config.prodAccount,
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
      // Production in its own account is the only stack there to set it.
      manageApiGatewayAccount: config.manageApiGatewayAccount ?? config.prodAccount !== undefined,
    },
    provider && { providers: [provider] },
  );
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

/**
 * Production in its own account: every prod resource is created through this provider, which
 * assumes the account's deployment role with a fixed session name (the role's trust requires it) and
 * refuses to act in any other account.
 */
function prodAccountProvider(region: string, prod: ProdAccount): aws.Provider {
  return new aws.Provider("mlops-prod-account", {
    region: region as aws.Region,
    assumeRoles: [{ roleArn: prod.deployRoleArn, sessionName: prod.sessionName }],
    allowedAccountIds: [prod.accountId],
  });
}
