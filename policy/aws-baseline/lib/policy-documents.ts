// Generated from policy/shared/policy-documents.ts by `npm run policy:build`: edit that file, not this copy.
import type { PolicyResource } from "@pulumi/policy";
import { list, statementsOf, type Props } from "./rule";

/** Every property that holds an IAM policy document (identity, trust or resource policy), by type. */
export const POLICY_DOCUMENTS: Record<string, string[]> = {
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:kms/key:Key": ["policy"],
  "aws:kms/keyPolicy:KeyPolicy": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:sns/topic:Topic": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:sqs/queue:Queue": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["policy"],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
  "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": ["resourcePolicy"],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ["policy"],
};

/** The statements of every policy document a resource holds (a role's inline policies included). */
export function documentStatements(resource: PolicyResource): Props[] {
  const props = resource.props as Props;
  const documents = (POLICY_DOCUMENTS[resource.type] ?? []).map((key) => props[key]);
  if (resource.type === "aws:iam/role:Role")
    documents.push(...list(props.inlinePolicies).map((inline) => (inline as Props)?.policy));
  return documents.flatMap((document) => statementsOf(document));
}

/** The actions a statement names, in Action and NotAction. */
export const actionsOf = (statement: Props): string[] =>
  [...list(statement.Action), ...list(statement.NotAction)].map(String);
