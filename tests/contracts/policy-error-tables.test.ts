import { strict as assert } from "node:assert";
import { LAMBDA_ERRORS, SAGEMAKER_ERRORS, STATES_ERRORS } from "../../policy/aws-baseline/sfn-errors";
import { operationErrors } from "../../local/aws/api-model";
import {
  errorName,
  LAMBDA_TRANSIENT_ERRORS,
  STATES_ERRORS as LANGUAGE_ERRORS,
} from "../../local/aws/step-functions";

/**
 * The error-name tables the aws-sfn-state-machine-error-names rule carries (a pack cannot read
 * botocore) against AWS's API models (local/aws/api-models): every name the services model is accepted, and every
 * modelled name the rule accepts is one the service's API really returns.
 */

/** The SageMaker APIs Step Functions' optimized integration calls (connect-sagemaker.html), and their waits. */
const SAGEMAKER_OPERATIONS = [
  "CreateTrainingJob",
  "DescribeTrainingJob",
  "CreateTransformJob",
  "DescribeTransformJob",
  "CreateProcessingJob",
  "DescribeProcessingJob",
  "CreateHyperParameterTuningJob",
  "DescribeHyperParameterTuningJob",
  "CreateLabelingJob",
  "DescribeLabelingJob",
  "CreateModel",
  "CreateEndpointConfig",
  "CreateEndpoint",
  "UpdateEndpoint",
];
/** Names documented rather than modelled: the SDK base classes and Step Functions' own. */
const SAGEMAKER_BASE = ["SageMaker.AmazonSageMakerException", "SageMaker.SageMakerException"];
const LAMBDA_DOCUMENTED = [...LAMBDA_TRANSIENT_ERRORS, "Lambda.Unknown"];

describe("contract: the policy pack's Step Functions error tables match the API models", () => {
  const modelled = (service: "sagemaker" | "lambda", prefix: string, operations: string[]) =>
    new Set(operations.flatMap((op) => operationErrors(service, op).map((e) => errorName(prefix, e))));

  it("SageMaker: every modelled error of the integrated APIs is accepted, and nothing else but the base names", () => {
    const real = modelled("sagemaker", "SageMaker", SAGEMAKER_OPERATIONS);
    assert.ok(real.size > 0);
    assert.deepEqual(
      [...real].filter((e) => !SAGEMAKER_ERRORS.includes(e)),
      [],
      "modelled but refused",
    );
    assert.deepEqual(
      SAGEMAKER_ERRORS.filter((e) => !SAGEMAKER_BASE.includes(e) && !real.has(e)),
      [],
      "accepted but never modelled",
    );
  });

  it("Lambda: every modelled error of Invoke is accepted, and nothing else but the documented ones", () => {
    const real = modelled("lambda", "Lambda", ["Invoke"]);
    assert.ok(real.size > 10);
    assert.deepEqual(
      [...real].filter((e) => !LAMBDA_ERRORS.includes(e)),
      [],
      "modelled but refused",
    );
    assert.deepEqual(
      LAMBDA_ERRORS.filter((e) => !LAMBDA_DOCUMENTED.includes(e) && !real.has(e)),
      [],
      "accepted but never modelled",
    );
  });

  it("States: the rule knows every error of the language the contract tests know", () => {
    assert.deepEqual(
      [...LANGUAGE_ERRORS].filter((e) => !STATES_ERRORS.includes(e)),
      [],
    );
  });
});
