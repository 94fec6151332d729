/**
 * The ML pipeline's state machine (Amazon States Language, JSONPath only), as a pure function of the
 * resources it calls. The cloud program deploys it; local mode runs the very same definition.
 */

export interface PipelineResources {
  /** The Glue data-prep job. */
  glueJobName: string;
  /** The controller Lambda (experiment tracking, evaluation, endpoint checks). */
  controllerFunctionArn: string;
  /** The role SageMaker assumes for training, transform and hosting. */
  sageMakerRoleArn: string;
  /** Encrypts training volumes and outputs, transform output and data capture. */
  kmsKeyArn: string;
  /** Seconds between endpoint status checks. */
  endpointPollSeconds?: number;
  /** Checks before a still-updating endpoint counts as stuck. */
  endpointMaxChecks?: number;
}

export type State = Record<string, unknown>;
export interface StateMachineDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

/**
 * Every way a run can fail, each with its own Fail state, and where its cause is read from: the error
 * a Catch recorded (`$.failure`), the data-prep report, or the gate's own summary.
 */
export const FAILURES = {
  DataPreparationFailed: "$.failure.Cause",
  TooManyRejectedRows: "$.dataFailure.cause",
  DataRejected: "$.dataFailure.cause",
  ExperimentTrackingFailed: "$.failure.Cause",
  TrainingFailed: "$.failure.Cause",
  ModelCreationFailed: "$.failure.Cause",
  EvaluationFailed: "$.failure.Cause",
  GateRejected: "$.evaluation.summary",
  RegistrationFailed: "$.failure.Cause",
  EndpointDeploymentFailed: "$.failure.Cause",
  EndpointDeploymentTimedOut: "$.failure.Cause",
} as const;
export type FailureName = keyof typeof FAILURES;

const input = (path: string) => `$$.Execution.Input.${path}`;
/** `{"Key.$": "$$.Execution.Input.path"}` for each entry. */
const fromInput = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([key, path]) => [`${key}.$`, input(path)]));

/**
 * The error names Step Functions gives transient failures, per integration (a name it never raises
 * makes a Retry that never fires; tests/contracts checks each against the API models):
 * - `lambda:invoke`: https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 * - optimized SageMaker integrations report service errors as `SageMaker.AmazonSageMakerException`,
 *   SDK integrations (`aws-sdk:sagemaker:*`) as `SageMaker.SageMakerException`:
 *   https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * - Glue's StartJobRun models ConcurrentRunsExceededException; throttling arrives as AWSGlueException.
 */
const LAMBDA_TRANSIENT = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];
const SAGEMAKER_OPTIMIZED_ERRORS = ["SageMaker.AmazonSageMakerException"];
const SAGEMAKER_SDK_ERRORS = ["SageMaker.SageMakerException"];
const GLUE_START_ERRORS = ["Glue.ConcurrentRunsExceededException", "Glue.AWSGlueException"];
/** Service errors include non-transient ones (a validation error), so retries stay few. */
const retryTransient = (errors: string[]) => ({
  ErrorEquals: errors,
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 2,
});

/** A Catch that keeps the state's input and records the error at `$.failure`. */
const catchTo = (next: FailureName | string, errors: string[] = ["States.ALL"]) => ({
  ErrorEquals: errors,
  ResultPath: "$.failure",
  Next: next,
});

export function pipelineDefinition(resources: PipelineResources): StateMachineDefinition {
  const controller = (action: string, payload: Record<string, unknown>, rest: State): State => ({
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: { FunctionName: resources.controllerFunctionArn, Payload: { action, ...payload } },
    Retry: [retryTransient(LAMBDA_TRANSIENT)],
    ...rest,
  });
  const states: Record<string, State> = {
    PrepareData: {
      Type: "Task",
      Comment: "Validate, quarantine, split and baseline the raw data (Glue, same transform as local mode)",
      Resource: "arn:aws:states:::glue:startJobRun.sync",
      Parameters: {
        JobName: resources.glueJobName,
        Arguments: {
          "--raw_uri.$": input("data.rawUri"),
          "--output_uri.$": input("data.outputUri"),
          "--config_uri.$": input("data.configUri"),
        },
      },
      ResultSelector: { "jobRunId.$": "$.Id", "state.$": "$.JobRunState" },
      ResultPath: "$.dataPrep",
      Retry: [retryTransient(GLUE_START_ERRORS)],
      Catch: [catchTo("ExplainDataFailure")],
      Next: "TrackExperiment",
    },
    ExplainDataFailure: controller(
      "explainDataFailure",
      { ...fromInput({ reportUri: "data.reportUri" }), "failure.$": "$.failure" },
      {
        Comment: "Read the job's report to tell too many rejected rows from other failures",
        ResultSelector: { "error.$": "$.Payload.error", "cause.$": "$.Payload.cause" },
        ResultPath: "$.dataFailure",
        Catch: [
          { ErrorEquals: ["States.ALL"], ResultPath: "$.explainFailure", Next: "DataPreparationFailed" },
        ],
        Next: "DataFailureKind",
      },
    ),
    DataFailureKind: {
      Type: "Choice",
      Choices: [
        { Variable: "$.dataFailure.error", StringEquals: "TooManyRejectedRows", Next: "TooManyRejectedRows" },
        { Variable: "$.dataFailure.error", StringEquals: "DataRejected", Next: "DataRejected" },
      ],
      Default: "DataPreparationFailed",
    },
    TrackExperiment: controller(
      "trackExperiment",
      fromInput({
        experimentName: "experiment.name",
        trialName: "experiment.trialName",
        runId: "runId",
        commitId: "commitId",
      }),
      {
        ResultSelector: {
          "experimentName.$": "$.Payload.experimentName",
          "trialName.$": "$.Payload.trialName",
        },
        ResultPath: "$.experiment",
        Catch: [catchTo("ExperimentTrackingFailed")],
        Next: "TrainOrTune",
      },
    ),
    TrainOrTune: {
      Type: "Choice",
      Comment: "A run whose config has training.tuning searches hyperparameters; otherwise one training job",
      Choices: [{ Variable: "$.tuning", IsPresent: true, Next: "Tune" }],
      Default: "Train",
    },
    Train: {
      Type: "Task",
      Resource: "arn:aws:states:::sagemaker:createTrainingJob.sync",
      Parameters: {
        ...fromInput({ TrainingJobName: "training.jobName", HyperParameters: "training.hyperparameters" }),
        ...trainingJob(resources),
        ExperimentConfig: {
          "ExperimentName.$": "$.experiment.experimentName",
          "TrialName.$": "$.experiment.trialName",
          TrialComponentDisplayName: "training",
        },
        Tags: runTags(),
      },
      ResultSelector: TRAINING_RESULT,
      ResultPath: "$.training",
      Catch: [catchTo("TrainingFailed")],
      Next: "CreateModel",
    },
    Tune: {
      Type: "Task",
      Comment: "Search the configured ranges; the best training job continues the run as Train's would",
      Resource: "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
      Parameters: {
        ...fromInput({ HyperParameterTuningJobName: "tuning.jobName" }),
        HyperParameterTuningJobConfig: {
          // The local search is deterministic; in the cloud Bayesian search makes the most of few jobs.
          Strategy: "Bayesian",
          ...fromInput({
            HyperParameterTuningJobObjective: "tuning.objective",
            ResourceLimits: "tuning.resourceLimits",
            ParameterRanges: "tuning.parameterRanges",
          }),
          TrainingJobEarlyStoppingType: "Off",
        },
        TrainingJobDefinition: {
          ...fromInput({ StaticHyperParameters: "tuning.staticHyperparameters" }),
          ...trainingJob(resources),
        },
        Tags: runTags(),
      },
      ResultSelector: { "jobName.$": "$.BestTrainingJob.TrainingJobName" },
      ResultPath: "$.bestTrainingJob",
      Catch: [catchTo("TrainingFailed")],
      Next: "DescribeBestTrainingJob",
    },
    DescribeBestTrainingJob: {
      Type: "Task",
      Comment: "The tuning job names its best training job; its model and metrics are what Train returns",
      Resource: "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob",
      Parameters: { "TrainingJobName.$": "$.bestTrainingJob.jobName" },
      ResultSelector: TRAINING_RESULT,
      ResultPath: "$.training",
      Retry: [retryTransient(SAGEMAKER_SDK_ERRORS)],
      Catch: [catchTo("TrainingFailed")],
      Next: "CreateModel",
    },
    CreateModel: {
      Type: "Task",
      Resource: "arn:aws:states:::sagemaker:createModel",
      Parameters: {
        ...fromInput({ ModelName: "model.name" }),
        PrimaryContainer: {
          ...fromInput({ Image: "training.image" }),
          "ModelDataUrl.$": "$.training.modelDataUri",
        },
        ExecutionRoleArn: resources.sageMakerRoleArn,
        ...fromInput({ EnableNetworkIsolation: "model.networkIsolation" }),
      },
      ResultPath: null,
      Retry: [retryTransient(SAGEMAKER_OPTIMIZED_ERRORS)],
      Catch: [catchTo("ModelCreationFailed")],
      Next: "ScoreTestSplit",
    },
    ScoreTestSplit: {
      Type: "Task",
      Comment: "Batch-score the held-out test split; the label is filtered out of the input and joined back",
      Resource: "arn:aws:states:::sagemaker:createTransformJob.sync",
      Parameters: {
        ...fromInput({ TransformJobName: "evaluation.transformJobName", ModelName: "model.name" }),
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: "S3Prefix", ...fromInput({ S3Uri: "data.testUri" }) } },
          ContentType: "text/csv",
          SplitType: "Line",
        },
        TransformOutput: {
          ...fromInput({ S3OutputPath: "evaluation.outputUri" }),
          AssembleWith: "Line",
          KmsKeyId: resources.kmsKeyArn,
        },
        TransformResources: {
          ...fromInput({ InstanceType: "evaluation.instanceType" }),
          InstanceCount: 1,
          VolumeKmsKeyId: resources.kmsKeyArn,
        },
        DataProcessing: { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$[0,-1]" },
      },
      ResultPath: null,
      Catch: [catchTo("EvaluationFailed")],
      Next: "Evaluate",
    },
    Evaluate: controller(
      "evaluate",
      {
        ...fromInput({
          predictionsUri: "evaluation.outputUri",
          evaluationUri: "evaluation.evaluationUri",
          gate: "gate",
          modelPackageGroupName: "registry.groupName",
        }),
      },
      {
        Comment: "Test-split metrics (AUC, error) and the champion comparison",
        ResultSelector: {
          "testAuc.$": "$.Payload.testAuc",
          "testError.$": "$.Payload.testError",
          "notWorseThanProduction.$": "$.Payload.notWorseThanProduction",
          "gate.$": "$.Payload.gate",
          "summary.$": "$.Payload.summary",
        },
        ResultPath: "$.evaluation",
        Catch: [catchTo("EvaluationFailed")],
        Next: "Gate",
      },
    ),
    Gate: {
      Type: "Choice",
      Comment: "Thresholds come from the gate section of config/ml-pipeline-config.json",
      Choices: [
        {
          And: [
            {
              Variable: "$.evaluation.testAuc",
              NumericGreaterThanEqualsPath: "$.evaluation.gate.minTestAuc",
            },
            {
              Variable: "$.evaluation.testError",
              NumericLessThanEqualsPath: "$.evaluation.gate.maxTestError",
            },
            { Variable: "$.evaluation.notWorseThanProduction", BooleanEquals: true },
          ],
          Next: "RegisterModel",
        },
      ],
      Default: "GateRejected",
    },
    RegisterModel: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
      Parameters: {
        ...fromInput({
          ModelPackageGroupName: "registry.groupName",
          ModelPackageDescription: "registry.description",
        }),
        InferenceSpecification: {
          Containers: [
            { ...fromInput({ Image: "training.image" }), "ModelDataUrl.$": "$.training.modelDataUri" },
          ],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
        ModelApprovalStatus: "PendingManualApproval",
        ModelMetrics: {
          ModelQuality: {
            Statistics: {
              ContentType: "application/json",
              ...fromInput({ S3Uri: "evaluation.evaluationUri" }),
            },
          },
          ModelDataQuality: dataQuality(),
        },
        DriftCheckBaselines: { ModelDataQuality: dataQuality() },
        MetadataProperties: { ...fromInput({ CommitId: "commitId" }), "GeneratedBy.$": "$.training.jobArn" },
        // Lineage in the form SageMaker's metadata pattern accepts, whatever the data key or alarm
        // name holds (functions/lib/model-metadata.ts); the raw data key would fail here, after training.
        CustomerMetadataProperties: {
          ...fromInput({
            commitId: "registry.metadata.commitId",
            runId: "registry.metadata.runId",
            dataUri: "registry.metadata.dataUri",
            trigger: "registry.metadata.trigger",
            triggerAlarm: "registry.metadata.triggerAlarm",
          }),
          "trainingJob.$": "$.training.jobName",
          "testAuc.$": "States.Format('{}', $.evaluation.testAuc)",
          "testError.$": "States.Format('{}', $.evaluation.testError)",
        },
      },
      ResultSelector: { "modelPackageArn.$": "$.ModelPackageArn" },
      ResultPath: "$.registration",
      Retry: [retryTransient(SAGEMAKER_SDK_ERRORS)],
      Catch: [catchTo("RegistrationFailed")],
      Next: "EndpointKind",
    },
    EndpointKind: {
      Type: "Choice",
      Comment: "A serverless test endpoint (endpoints.test.serverless) has no instances and no data capture",
      Choices: [
        { Variable: "$.endpoint.serverless", IsPresent: true, Next: "CreateServerlessEndpointConfig" },
      ],
      Default: "CreateEndpointConfig",
    },
    CreateEndpointConfig: endpointConfig({
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ...fromInput({
            ModelName: "model.name",
            InitialInstanceCount: "endpoint.initialInstanceCount",
            InstanceType: "endpoint.instanceType",
          }),
          InitialVariantWeight: 1,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        ...fromInput({
          InitialSamplingPercentage: "endpoint.captureSamplingPercent",
          DestinationS3Uri: "endpoint.captureUri",
        }),
        KmsKeyId: resources.kmsKeyArn,
        CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
        CaptureContentTypeHeader: { CsvContentTypes: ["text/csv"] },
      },
      KmsKeyId: resources.kmsKeyArn,
    }),
    // Serverless endpoints support neither data capture nor network isolation, and have no ML storage
    // volume for KmsKeyId to encrypt (feature exclusions:
    // https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html#serverless-endpoints-how-it-works-exclusions).
    CreateServerlessEndpointConfig: endpointConfig({
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ...fromInput({ ModelName: "model.name", ServerlessConfig: "endpoint.serverless" }),
        },
      ],
    }),
    FindEndpoint: controller(
      "findEndpoint",
      fromInput({ endpointName: "endpoint.name", kind: "endpoint.kind" }),
      {
        Comment:
          "create, update, or recreate a Failed endpoint or one SageMaker cannot update to this kind; wait while one is busy",
        ResultSelector: { "action.$": "$.Payload.action", "status.$": "$.Payload.status" },
        ResultPath: "$.existingEndpoint",
        Retry: [waitWhilePending(), retryTransient(LAMBDA_TRANSIENT)],
        Catch: [
          catchTo("EndpointDeploymentTimedOut", ["EndpointPending"]),
          catchTo("EndpointDeploymentFailed"),
        ],
        Next: "EndpointAction",
      },
    ),
    EndpointAction: {
      Type: "Choice",
      Choices: [
        { Variable: "$.existingEndpoint.action", StringEquals: "update", Next: "UpdateEndpoint" },
        { Variable: "$.existingEndpoint.action", StringEquals: "recreate", Next: "DeleteBrokenEndpoint" },
      ],
      Default: "CreateEndpoint",
    },
    DeleteBrokenEndpoint: {
      Type: "Task",
      Comment: "DeleteEndpoint is the only operation SageMaker allows on a Failed endpoint",
      Resource: "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint",
      Parameters: fromInput({ EndpointName: "endpoint.name" }),
      ResultPath: null,
      Retry: [retryTransient(SAGEMAKER_SDK_ERRORS)],
      Catch: [catchTo("EndpointDeploymentFailed")],
      Next: "WaitForDeletion",
    },
    WaitForDeletion: {
      Type: "Wait",
      Seconds: resources.endpointPollSeconds ?? 60,
      Next: "CheckEndpointDeleted",
    },
    CheckEndpointDeleted: controller("checkEndpointDeleted", fromInput({ endpointName: "endpoint.name" }), {
      ResultPath: null,
      Retry: [waitWhilePending(), retryTransient(LAMBDA_TRANSIENT)],
      Catch: [
        catchTo("EndpointDeploymentTimedOut", ["EndpointPending"]),
        catchTo("EndpointDeploymentFailed"),
      ],
      Next: "CreateEndpoint",
    }),
    CreateEndpoint: endpointCall("createEndpoint"),
    UpdateEndpoint: endpointCall("updateEndpoint"),
    WaitForEndpoint: { Type: "Wait", Seconds: resources.endpointPollSeconds ?? 60, Next: "CheckEndpoint" },
    CheckEndpoint: controller(
      "checkEndpoint",
      fromInput({ endpointName: "endpoint.name", expectedConfigName: "endpoint.configName" }),
      {
        ResultSelector: { "status.$": "$.Payload.status" },
        ResultPath: "$.endpointStatus",
        Retry: [waitWhilePending(), retryTransient(LAMBDA_TRANSIENT)],
        Catch: [
          catchTo("EndpointDeploymentTimedOut", ["EndpointPending"]),
          catchTo("EndpointDeploymentFailed"),
        ],
        Next: "Summarize",
      },
    ),
    Summarize: {
      Type: "Pass",
      Parameters: {
        ...fromInput({ runId: "runId", commitId: "commitId", endpointName: "endpoint.name" }),
        "experimentName.$": "$.experiment.experimentName",
        "trialName.$": "$.experiment.trialName",
        "trainingJobName.$": "$.training.jobName",
        "modelPackageArn.$": "$.registration.modelPackageArn",
        "testAuc.$": "$.evaluation.testAuc",
        "testError.$": "$.evaluation.testError",
        // The gate's verdict in words, the champion comparison included (the controller's).
        "gateSummary.$": "$.evaluation.summary",
      },
      End: true,
    },
  };
  for (const [name, causePath] of Object.entries(FAILURES)) {
    states[name] = { Type: "Fail", Error: name, CausePath: causePath };
  }

  return {
    Comment:
      "Continuous ML pipeline: prepare data, train, evaluate on the test split, gate, register, deploy to test",
    StartAt: "PrepareData",
    // A whole run is bounded; SageMaker and Glue have their own limits inside it.
    TimeoutSeconds: 6 * 3600,
    States: states,
  };

  /** Endpoint checks repeat while SageMaker is still working, a bounded number of times. */
  function waitWhilePending(): State {
    return {
      ErrorEquals: ["EndpointPending"],
      IntervalSeconds: resources.endpointPollSeconds ?? 60,
      MaxAttempts: resources.endpointMaxChecks ?? 45,
      BackoffRate: 1,
    };
  }

  function endpointConfig(parameters: State): State {
    return {
      Type: "Task",
      Resource: "arn:aws:states:::sagemaker:createEndpointConfig",
      Parameters: { ...fromInput({ EndpointConfigName: "endpoint.configName" }), ...parameters },
      ResultPath: null,
      Retry: [retryTransient(SAGEMAKER_OPTIMIZED_ERRORS)],
      Catch: [catchTo("EndpointDeploymentFailed")],
      Next: "FindEndpoint",
    };
  }

  function endpointCall(api: "createEndpoint" | "updateEndpoint"): State {
    return {
      Type: "Task",
      Resource: `arn:aws:states:::sagemaker:${api}`,
      Parameters: fromInput({ EndpointName: "endpoint.name", EndpointConfigName: "endpoint.configName" }),
      ResultPath: null,
      Retry: [retryTransient(SAGEMAKER_OPTIMIZED_ERRORS)],
      Catch: [catchTo("EndpointDeploymentFailed")],
      Next: "WaitForEndpoint",
    };
  }
}

/** What Train and DescribeBestTrainingJob return at `$.training`: the same fields either way. */
const TRAINING_RESULT = {
  "jobName.$": "$.TrainingJobName",
  "jobArn.$": "$.TrainingJobArn",
  "modelDataUri.$": "$.ModelArtifacts.S3ModelArtifacts",
  "finalMetrics.$": "$.FinalMetricDataList",
};

const runTags = () => [
  { Key: "mlops:run", "Value.$": input("runId") },
  { Key: "mlops:commit", "Value.$": input("commitId") },
  { Key: "mlops:trigger", "Value.$": input("triggerSource") },
];

/** A training job's image, data, outputs and limits: the same for Train and every tuning trial. */
function trainingJob(resources: PipelineResources): State {
  return {
    AlgorithmSpecification: { ...fromInput({ TrainingImage: "training.image" }), TrainingInputMode: "File" },
    RoleArn: resources.sageMakerRoleArn,
    InputDataConfig: [
      channel("train", "data.trainUri", "training.trainDistribution"),
      channel("validation", "data.validationUri"),
    ],
    OutputDataConfig: { ...fromInput({ S3OutputPath: "training.outputUri" }), KmsKeyId: resources.kmsKeyArn },
    ResourceConfig: {
      ...fromInput({
        InstanceType: "training.instanceType",
        InstanceCount: "training.instanceCount",
        VolumeSizeInGB: "training.volumeSizeGb",
      }),
      VolumeKmsKeyId: resources.kmsKeyArn,
    },
    StoppingCondition: fromInput({ MaxRuntimeInSeconds: "training.maxRuntimeSeconds" }),
    EnableNetworkIsolation: true,
    EnableInterContainerTrafficEncryption: true,
  };
}

function channel(name: string, uriPath: string, distributionPath?: string): State {
  return {
    ChannelName: name,
    ContentType: "text/csv",
    DataSource: {
      S3DataSource: {
        S3DataType: "S3Prefix",
        ...fromInput({ S3Uri: uriPath }),
        ...(distributionPath
          ? fromInput({ S3DataDistributionType: distributionPath })
          : { S3DataDistributionType: "FullyReplicated" }),
      },
    },
  };
}

function dataQuality(): State {
  return {
    Statistics: { ContentType: "application/json", ...fromInput({ S3Uri: "data.statisticsUri" }) },
    Constraints: { ContentType: "application/json", ...fromInput({ S3Uri: "data.constraintsUri" }) },
  };
}
