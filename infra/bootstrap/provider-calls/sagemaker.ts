import {
  arnIn,
  passRole,
  self,
  tagged,
  text,
  type DeployedResource,
  type Phase,
  type ProviderCall,
  type StackPlace,
} from "./types";

/**
 * SageMaker resources (internal/service/sagemaker/*.go). Tags are sent in the Create call, which
 * SageMaker authorizes as sagemaker:AddTags on the new resource (seen as "not authorized to perform:
 * sagemaker:AddTags" on create, aws-samples/sagemaker-custom-project-templates#41; AWS CDK grants it
 * to CreateTrainingJob's role, aws/aws-cdk#32536); the tags interceptor
 * (internal/provider/intercept.go, tagsResourceCRUDInterceptor.run) then lists them after every
 * create, read and update, and updates them with AddTags and DeleteTags.
 */
function tagging(file: string, create: string): ProviderCall[] {
  const source = (fn: string) => `internal/service/sagemaker/${file}.go#${fn}`;
  return [
    {
      action: "sagemaker:AddTags",
      on: self,
      phases: ["create"],
      when: tagged,
      source: source(`${create} (getTagsIn)`),
    },
    {
      action: "sagemaker:ListTags",
      on: self,
      phases: ["create", "read", "update"],
      source: "internal/service/sagemaker/tags_gen.go#listTags",
    },
    {
      action: "sagemaker:AddTags",
      on: self,
      phases: ["tags"],
      source: "internal/service/sagemaker/tags_gen.go#updateTags",
    },
    {
      action: "sagemaker:DeleteTags",
      on: self,
      phases: ["tags"],
      source: "internal/service/sagemaker/tags_gen.go#updateTags",
    },
  ];
}

/** The standard four calls of a SageMaker resource: Create, Describe (reads and waits), Update, Delete. */
function lifecycle(file: string, noun: string, withUpdate: boolean): ProviderCall[] {
  const source = (fn: string) => `internal/service/sagemaker/${file}.go#${fn}`;
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const rows: [string, Phase[], string][] = [
    [`sagemaker:Create${noun}`, ["create"], `resource${Noun}Create`],
    [`sagemaker:Describe${noun}`, ["create", "read", "update", "delete"], `resource${Noun}Read`],
    ...(withUpdate
      ? [[`sagemaker:Update${noun}`, ["update"], `resource${Noun}Update`] as [string, Phase[], string]]
      : []),
    [`sagemaker:Delete${noun}`, ["delete"], `resource${Noun}Delete`],
  ];
  return rows.map(([action, phases, fn]) => ({ action, on: self, phases, source: source(fn) }));
}

const endpointConfigOf = (resource: DeployedResource, place: StackPlace) => [
  arnIn(place, "sagemaker", `endpoint-config/${text(resource.inputs.endpointConfigName).toLowerCase()}`),
];

/** A package of another account's registry the model is created from. */
const modelPackage = (resource: DeployedResource) => [
  text((resource.inputs.primaryContainer as Record<string, unknown> | undefined)?.modelPackageName),
];
const fromPackage = (resource: DeployedResource) => modelPackage(resource)[0] !== "";

export const SAGEMAKER: Record<string, ProviderCall[]> = {
  "aws:sagemaker/model:Model": [
    ...lifecycle("model", "Model", false),
    passRole(
      "executionRoleArn",
      "sagemaker.amazonaws.com",
      "internal/service/sagemaker/model.go#resourceModelCreate",
      ["create"],
    ),
    // SageMaker reads the package and authorizes CreateModel on it: "Deploy a Model Version from a
    // Different Account" (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy-xaccount.html).
    {
      action: "sagemaker:DescribeModelPackage",
      on: modelPackage,
      phases: ["create"],
      when: fromPackage,
      source: "internal/service/sagemaker/model.go#resourceModelCreate (SageMaker, for the caller)",
    },
    {
      action: "sagemaker:CreateModel",
      on: modelPackage,
      phases: ["create"],
      when: fromPackage,
      source: "internal/service/sagemaker/model.go#resourceModelCreate (SageMaker, for the caller)",
    },
    ...tagging("model", "resourceModelCreate"),
  ],
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": [
    {
      action: "sagemaker:CreateEndpointConfig",
      on: self,
      phases: ["create"],
      source: "internal/service/sagemaker/endpoint_configuration.go#resourceEndpointConfigurationCreate",
    },
    {
      action: "sagemaker:DescribeEndpointConfig",
      on: self,
      phases: ["create", "read"],
      source: "internal/service/sagemaker/endpoint_configuration.go#resourceEndpointConfigurationRead",
    },
    {
      action: "sagemaker:DeleteEndpointConfig",
      on: self,
      phases: ["delete"],
      source: "internal/service/sagemaker/endpoint_configuration.go#resourceEndpointConfigurationDelete",
    },
    ...tagging("endpoint_configuration", "resourceEndpointConfigurationCreate"),
  ],
  "aws:sagemaker/endpoint:Endpoint": [
    ...["create", "update"].map((phase): ProviderCall => ({
      action: phase === "create" ? "sagemaker:CreateEndpoint" : "sagemaker:UpdateEndpoint",
      on: (resource, place) => [...self(resource), ...endpointConfigOf(resource, place)],
      phases: [phase as Phase],
      source: `internal/service/sagemaker/endpoint.go#resourceEndpoint${phase === "create" ? "Create" : "Update"}`,
    })),
    {
      action: "sagemaker:DescribeEndpoint",
      on: self,
      phases: ["create", "read", "update", "delete"],
      source: "internal/service/sagemaker/endpoint.go#waitEndpointInService, resourceEndpointRead",
    },
    // Also on create: resourceEndpointCreate deletes an endpoint whose creation failed on the role's trust.
    {
      action: "sagemaker:DeleteEndpoint",
      on: self,
      phases: ["create", "delete"],
      source: "internal/service/sagemaker/endpoint.go#endpointDeleteSync",
    },
    // The configuration's key: SageMaker creates a grant for the endpoint's volumes as the caller of
    // CreateEndpoint and UpdateEndpoint ("The KMS key policy must grant permission to the IAM role
    // that you specify in your CreateEndpoint, UpdateEndpoint requests", CreateEndpointConfig KmsKeyId).
    {
      action: "kms:CreateGrant",
      on: (resource, _place, stack) => [configKey(resource, stack)],
      when: (resource, stack) => configKey(resource, stack) !== "",
      context: (_resource, place) => ({
        "kms:ViaService": `sagemaker.${place.region}.amazonaws.com`,
        "kms:GrantIsForAWSResource": "true",
        "kms:CallerAccount": place.account,
      }),
      phases: ["create", "update"],
      source: "internal/service/sagemaker/endpoint.go#resourceEndpointCreate (SageMaker, for the caller)",
    },
    ...tagging("endpoint", "resourceEndpointCreate"),
  ],
  "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": [
    ...lifecycle("data_quality_job_definition", "DataQualityJobDefinition", false),
    passRole(
      "roleArn",
      "sagemaker.amazonaws.com",
      "internal/service/sagemaker/data_quality_job_definition.go#resourceDataQualityJobDefinitionCreate",
      ["create"],
    ),
    ...tagging("data_quality_job_definition", "resourceDataQualityJobDefinitionCreate"),
  ],
  "aws:sagemaker/monitoringSchedule:MonitoringSchedule": [
    ...lifecycle("monitoring_schedule", "MonitoringSchedule", true),
    ...tagging("monitoring_schedule", "resourceMonitoringScheduleCreate"),
  ],
};

/** The key of the configuration an endpoint deploys (its `kmsKeyArn`), if it has one. */
function configKey(endpoint: DeployedResource, stack: DeployedResource[]): string {
  const config = stack.find(
    (r) =>
      r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration" &&
      r.state.name === endpoint.inputs.endpointConfigName,
  );
  return text(config?.inputs.kmsKeyArn);
}
