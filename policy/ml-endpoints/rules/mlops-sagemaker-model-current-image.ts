import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

/** `sagemaker-xgboost:1` and the 0.90 images are long deprecated; 1.5-1 and later are current. */
export function deprecatedXgboostImage(image: string): boolean {
  const match = /sagemaker-xgboost:([^"\s]+)|\/xgboost:([^"\s]+)/.exec(image);
  if (!match) return false;
  const version = match[1] ?? match[2];
  const numbers = /^(\d+)\.(\d+)-/.exec(version);
  return !numbers || Number(numbers[1]) < 1 || (Number(numbers[1]) === 1 && Number(numbers[2]) < 5);
}

export const trainingImage = resourceRule(
  {
    name: "mlops-sagemaker-model-current-image",
    description:
      "Training and serving use a current built-in XGBoost image (1.5-1 or later), never the deprecated xgboost:1.",
    severity: "medium",
    remediation:
      "Use a current SageMaker XGBoost image (…/sagemaker-xgboost:1.7-1) for the model's container.",
    externalIds: ["SageMaker built-in algorithm deprecation (no managed rule)"],
  },
  aws.sagemaker.Model,
  (props, _args, report) => {
    const image = String(props.primaryContainer?.image ?? "");
    if (image && deprecatedXgboostImage(image)) report(`The model serves the deprecated image ${image}.`);
  },
);
