import * as aws from "@pulumi/aws";
import type { ProdAccount } from "../shared/cross-account";
import { stackTags, type Tags } from "../shared/tags";

/**
 * The stack's AWS provider: its region and the stack's tags as `defaultTags`. Moving a resource
 * from the default provider to this one is an update, not a replacement: the engine asks the
 * provider's DiffConfig (pulumi/pulumi#18509, CLI 3.151.0), and pulumi-aws replaces only on a
 * region change (pulumi/pulumi-aws#4000).
 *
 * With production in its own account, every prod resource is created through a provider that
 * assumes the account's deployment role with a fixed session name (the role's trust requires it)
 * and refuses to act in any other account; it keeps the name it was deployed under.
 */
export function stackProvider(region: string, tags: Tags, prod?: ProdAccount): aws.Provider {
  const common = { region: region as aws.Region, defaultTags: { tags: stackTags(tags) } };
  if (!prod) return new aws.Provider("mlops-aws", common);
  return new aws.Provider("mlops-prod-account", {
    ...common,
    assumeRoles: [{ roleArn: prod.deployRoleArn, sessionName: prod.sessionName }],
    allowedAccountIds: [prod.accountId],
  });
}
