import { awsContext } from "../shared/aws-context";
import * as pulumi from "@pulumi/pulumi";
import type { ProdStackConfig } from "../stack-config";
import { ProdEnvironment, TEST_STACK_OUTPUTS, type TestStackValues } from "../environments/prod-environment";
import { mlPipelineConfig } from "../program-config";
import { tagResourcesWithComponent } from "../shared/tags";
import { stackProvider } from "./provider";

/** The prod stack: the production environment, reading shared resources from the test stack. */
export function prodStack(
  config: ProdStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  tagResourcesWithComponent();
  const provider = stackProvider(config.region, config.tags, config.prodAccount);
  const prod = new ProdEnvironment(
    "mlops",
    {
      testStack: testStackValues(config.testStackName),
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
      // Production in its own account is the only stack there to set it.
      manageApiGatewayAccount: config.manageApiGatewayAccount ?? config.prodAccount !== undefined,
    },
    { providers: [provider] },
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
 * The test stack's shared resources, read at the stack entry as pulumi/examples do. A reference is
 * a read, not a resource AWS holds: its URN moving here from inside the component replaces nothing.
 */
function testStackValues(testStackName: string): TestStackValues {
  const reference = new pulumi.StackReference("mlops-test-stack", { name: testStackName });
  const values = TEST_STACK_OUTPUTS.map((key) => [key, reference.requireOutput(key).apply(String)]);
  return Object.fromEntries(values) as unknown as TestStackValues;
}
