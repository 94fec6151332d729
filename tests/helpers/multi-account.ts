/** A production account of its own, as both stacks would be configured for it in the tests. */
export const PROD_ACCOUNT = "210987654321";
export const PIPELINE_ACCOUNT = "123456789012";
/** An account that is neither: nothing may be granted to it. */
export const THIRD_ACCOUNT = "333333333333";

export const prodAccount = {
  accountId: PROD_ACCOUNT,
  deployRoleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-prod-deployer`,
  sessionName: "mlops-prod-deploy",
  pipelineRoleArn: `arn:aws:iam::${PIPELINE_ACCOUNT}:role/mlops-prod-release`,
};

/** `--config` overrides that put production in its own account. */
export const MULTI_ACCOUNT = [`prodAccount=${JSON.stringify(prodAccount)}`];

export const VPC = [
  'vpc={"vpcId":"vpc-0abc","subnetIds":["subnet-0a","subnet-0b"],"securityGroupIds":["sg-0a"]}',
];
