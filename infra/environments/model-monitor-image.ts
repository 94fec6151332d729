/**
 * Registry accounts of SageMaker Model Monitor's analyzer image, by region (as published in the
 * SageMaker Python SDK's image URI config). An unknown region fails with a message, not a guess.
 */
const ACCOUNTS: Record<string, string> = {
  "us-east-1": "156813124566",
  "us-east-2": "777275614652",
  "us-west-1": "890145073186",
  "us-west-2": "159807026194",
  "ca-central-1": "536280801234",
  "sa-east-1": "539772159869",
  "eu-west-1": "468650794304",
  "eu-west-2": "749857270468",
  "eu-west-3": "680080141114",
  "eu-central-1": "048819808253",
  "eu-north-1": "895015795356",
  "ap-south-1": "126357580389",
  "ap-southeast-1": "245545462676",
  "ap-southeast-2": "563025443158",
  "ap-northeast-1": "574779866223",
  "ap-northeast-2": "709848358524",
};

export function modelMonitorImageUri(region: string): string {
  const account = ACCOUNTS[region];
  if (!account) {
    throw new Error(
      `No Model Monitor image is known for region "${region}"; supported: ${Object.keys(ACCOUNTS).join(", ")}`,
    );
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-model-monitor-analyzer`;
}
