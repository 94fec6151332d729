/**
 * Registry accounts of SageMaker's built-in XGBoost images, by region (as published in the SageMaker
 * Python SDK's image URI config). A region missing here fails with a message, not a guessed URI.
 */
const REGISTRY_ACCOUNTS: Record<string, string> = {
  "us-east-1": "683313688378",
  "us-east-2": "257758044811",
  "us-west-1": "746614075791",
  "us-west-2": "246618743249",
  "ca-central-1": "341280168497",
  "sa-east-1": "737474898029",
  "eu-west-1": "141502667606",
  "eu-west-2": "764974769150",
  "eu-west-3": "659782779980",
  "eu-central-1": "492215442770",
  "eu-north-1": "662702820516",
  "ap-south-1": "720646828776",
  "ap-southeast-1": "121021644041",
  "ap-southeast-2": "783357654285",
  "ap-northeast-1": "354813040037",
  "ap-northeast-2": "366743142698",
};

export function xgboostImageUri(region: string, version: string): string {
  const account = REGISTRY_ACCOUNTS[region];
  if (!account) {
    throw new Error(
      `No SageMaker XGBoost image is known for region "${region}"; supported: ${Object.keys(REGISTRY_ACCOUNTS).join(", ")}`,
    );
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-xgboost:${version}`;
}

export function xgboostRegistryAccount(region: string): string | undefined {
  return REGISTRY_ACCOUNTS[region];
}
