/**
 * What the prod stack reads from the test stack. A module of its own: the tools that check a file of
 * stack outputs (`--stack-outputs`) need the list without loading the program and the AWS provider.
 */
export const TEST_STACK_OUTPUTS = [
  "kmsKeyArn",
  "stagingBucketName",
  "modelPackageGroupName",
  "sageMakerRoleArn",
  "runsPrefix",
  "pipelineName",
] as const;
