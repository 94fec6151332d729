import {
  arnIn,
  has,
  passRole,
  self,
  tagged,
  text,
  unscoped,
  type DeployedResource,
  type ProviderCall,
  type StackPlace,
} from "./types";

const fn = (fnName: string) => `internal/service/lambda/function.go#${fnName}`;
/** A function named by an input (a name or an ARN). */
const functionNamed = (input: string) => (resource: DeployedResource, place: StackPlace) => {
  const value = text(resource.inputs[input]);
  return [
    value.startsWith("arn:")
      ? value.replace(/:\d+$|:\$LATEST$/, "")
      : arnIn(place, "lambda", `function:${value}`),
  ];
};
const inVpc = (resource: DeployedResource) =>
  ((resource.inputs.vpcConfig as { subnetIds?: unknown[] } | undefined)?.subnetIds?.length ?? 0) > 0;
/** Lambda acts on the function's key for the caller ("Securing environment variables"). */
const viaLambda = (_resource: DeployedResource, place: StackPlace) => ({
  "kms:ViaService": `lambda.${place.region}.amazonaws.com`,
  "kms:CallerAccount": place.account,
});
const functionKey = (resource: DeployedResource) => [text(resource.inputs.kmsKeyArn)];

export const LAMBDA: Record<string, ProviderCall[]> = {
  "aws:lambda/function:Function": [
    { action: "lambda:CreateFunction", on: self, phases: ["create"], source: fn("resourceFunctionCreate") },
    {
      action: "lambda:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: fn("resourceFunctionCreate (getTagsIn); tags_gen.go#updateTags"),
    },
    {
      action: "lambda:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/lambda/tags_gen.go#updateTags",
    },
    passRole("role", "lambda.amazonaws.com", fn("resourceFunctionCreate")),
    {
      action: "lambda:GetFunction",
      on: self,
      phases: ["create", "read", "update", "delete"],
      source: fn("resourceFunctionRead, waitFunctionCreated, waitFunctionDeleted"),
    },
    {
      action: "lambda:ListVersionsByFunction",
      on: self,
      phases: ["read"],
      source: fn("resourceFunctionFlatten (findLatestFunctionVersionByName)"),
    },
    {
      action: "lambda:GetFunctionCodeSigningConfig",
      on: self,
      phases: ["read"],
      source: fn("resourceFunctionFlatten"),
    },
    {
      action: "lambda:UpdateFunctionConfiguration",
      on: self,
      phases: ["update"],
      source: fn("resourceFunctionUpdate"),
    },
    {
      action: "lambda:UpdateFunctionCode",
      on: self,
      phases: ["update"],
      source: fn("resourceFunctionUpdate"),
    },
    {
      action: "lambda:PublishVersion",
      on: self,
      phases: ["create", "update"],
      when: (r) => r.inputs.publish === true,
      source: fn("resourceFunctionCreate, resourceFunctionUpdate"),
    },
    {
      action: "lambda:GetFunctionConfiguration",
      on: self,
      phases: ["update"],
      when: (r) => r.inputs.publish === true,
      source: fn("waitFunctionConfigurationUpdated"),
    },
    {
      action: "lambda:PutFunctionConcurrency",
      on: self,
      phases: ["create", "update"],
      when: has("reservedConcurrentExecutions"),
      source: fn("resourceFunctionCreate"),
    },
    {
      action: "lambda:DeleteFunctionConcurrency",
      on: self,
      phases: ["update"],
      when: has("reservedConcurrentExecutions"),
      source: fn("resourceFunctionUpdate"),
    },
    { action: "lambda:DeleteFunction", on: self, phases: ["delete"], source: fn("resourceFunctionDelete") },
    // "To configure a function to connect to a VPC, your user needs ec2:DescribeSecurityGroups,
    // ec2:DescribeSubnets, ec2:DescribeVpcs" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
    ...["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"].map(
      (action): ProviderCall => ({
        action,
        on: unscoped,
        phases: ["create", "update"],
        when: inVpc,
        source: fn("resourceFunctionCreate (Lambda checks the network as the caller)"),
      }),
    ),
    // "To use a customer managed key ... kms:CreateGrant, kms:Encrypt – To configure a customer managed
    // key on a function" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html);
    // the provider's read decrypts the environment GetFunction returns (pulumi-aws patches it to fail fast).
    ...["kms:CreateGrant", "kms:Encrypt"].map((action): ProviderCall => ({
      action,
      on: functionKey,
      phases: ["create", "update"],
      when: has("kmsKeyArn"),
      context: viaLambda,
      source: fn("resourceFunctionCreate (Lambda, for the caller)"),
    })),
    {
      action: "kms:Decrypt",
      on: functionKey,
      phases: ["read"],
      when: has("kmsKeyArn"),
      context: viaLambda,
      source: fn("resourceFunctionRead (findFunction)"),
    },
  ],
  "aws:lambda/permission:Permission": [
    {
      action: "lambda:AddPermission",
      on: functionNamed("function"),
      phases: ["create"],
      source: "internal/service/lambda/permission.go#resourcePermissionCreate",
    },
    {
      action: "lambda:GetPolicy",
      on: functionNamed("function"),
      phases: ["create", "read", "delete"],
      source: "internal/service/lambda/permission.go#resourcePermissionRead",
    },
    {
      action: "lambda:RemovePermission",
      on: functionNamed("function"),
      phases: ["delete"],
      source: "internal/service/lambda/permission.go#resourcePermissionDelete",
    },
  ],
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": [
    ...(
      [
        "PutFunctionEventInvokeConfig",
        "GetFunctionEventInvokeConfig",
        "DeleteFunctionEventInvokeConfig",
      ] as const
    ).map((api): ProviderCall => ({
      action: `lambda:${api}`,
      on: functionNamed("functionName"),
      phases: api.startsWith("Put")
        ? ["create", "update"]
        : api.startsWith("Get")
          ? ["create", "read"]
          : ["delete"],
      source: `internal/service/lambda/function_event_invoke_config.go#resourceFunctionEventInvokeConfig${api.startsWith("Put") ? "Create" : api.startsWith("Get") ? "Read" : "Delete"}`,
    })),
  ],
};

const role = (rName: string) => `internal/service/iam/role.go#${rName}`;
/** A role named by an input (the role policy's `role`, a name). */
const roleNamed = (resource: DeployedResource, place: StackPlace) => [
  `arn:${place.partition}:iam::${place.account}:role/${text(resource.inputs.role)}`,
];

export const IAM: Record<string, ProviderCall[]> = {
  "aws:iam/role:Role": [
    { action: "iam:CreateRole", on: self, phases: ["create"], source: role("resourceRoleCreate") },
    {
      action: "iam:TagRole",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: role("resourceRoleCreate (getTagsIn); roleUpdateTags"),
    },
    { action: "iam:UntagRole", on: self, phases: ["tags"], source: role("roleUpdateTags") },
    {
      action: "iam:GetRole",
      on: self,
      phases: ["create", "read"],
      source: role("resourceRoleRead (findRoleByName)"),
    },
    { action: "iam:ListRolePolicies", on: self, phases: ["read"], source: role("readRoleInlinePolicies") },
    { action: "iam:GetRolePolicy", on: self, phases: ["read"], source: role("readRoleInlinePolicies") },
    {
      action: "iam:ListAttachedRolePolicies",
      on: self,
      phases: ["read"],
      source: role("findRoleAttachedPolicies"),
    },
    {
      action: "iam:UpdateAssumeRolePolicy",
      on: self,
      phases: ["update"],
      source: role("resourceRoleUpdate"),
    },
    { action: "iam:UpdateRoleDescription", on: self, phases: ["update"], source: role("resourceRoleUpdate") },
    { action: "iam:UpdateRole", on: self, phases: ["update"], source: role("resourceRoleUpdate") },
    {
      action: "iam:ListInstanceProfilesForRole",
      on: self,
      phases: ["delete"],
      source: role("deleteRoleInstanceProfiles"),
    },
    { action: "iam:DeleteRole", on: self, phases: ["delete"], source: role("deleteRole") },
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    {
      action: "iam:PutRolePolicy",
      on: roleNamed,
      phases: ["create", "update"],
      source: "internal/service/iam/role_policy.go#resourceRolePolicyPut",
    },
    {
      action: "iam:GetRolePolicy",
      on: roleNamed,
      phases: ["create", "read"],
      source: "internal/service/iam/role_policy.go#resourceRolePolicyRead",
    },
    {
      action: "iam:DeleteRolePolicy",
      on: roleNamed,
      phases: ["delete"],
      source: "internal/service/iam/role_policy.go#resourceRolePolicyDelete",
    },
  ],
};

const key = (kName: string) => `internal/service/kms/key.go#${kName}`;
/** The key an alias names (its ARN, from the key id). */
const aliasKey = (resource: DeployedResource, place: StackPlace) => [
  arnIn(place, "kms", `key/${text(resource.inputs.targetKeyId)}`),
];

export const KMS: Record<string, ProviderCall[]> = {
  "aws:kms/key:Key": [
    { action: "kms:CreateKey", on: unscoped, phases: ["create"], source: key("resourceKeyCreate") },
    {
      action: "kms:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: key("resourceKeyCreate (getTagsIn); tags_gen.go#updateTags"),
    },
    {
      action: "kms:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/kms/tags_gen.go#updateTags",
    },
    ...["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags"].map(
      (api): ProviderCall => ({
        action: `kms:${api}`,
        on: self,
        phases: ["create", "read", "update", "delete"],
        source: key("findKeyInfo, and the propagation waits of resourceKeyCreate"),
      }),
    ),
    {
      action: "kms:EnableKeyRotation",
      on: self,
      phases: ["create", "update"],
      when: (r) => r.inputs.enableKeyRotation === true,
      source: key("updateKeyRotationEnabled"),
    },
    { action: "kms:PutKeyPolicy", on: self, phases: ["update"], source: key("updateKeyPolicy") },
    { action: "kms:UpdateKeyDescription", on: self, phases: ["update"], source: key("updateKeyDescription") },
    { action: "kms:ScheduleKeyDeletion", on: self, phases: ["delete"], source: key("resourceKeyDelete") },
  ],
  "aws:kms/alias:Alias": [
    ...["CreateAlias", "DeleteAlias", "UpdateAlias"].map((api): ProviderCall => ({
      action: `kms:${api}`,
      on: (resource, place) => [...self(resource), ...aliasKey(resource, place)],
      phases: api === "CreateAlias" ? ["create"] : api === "DeleteAlias" ? ["delete"] : ["update"],
      source: `internal/service/kms/alias.go#resourceAlias${api.replace("Alias", "")}`,
    })),
    {
      action: "kms:ListAliases",
      on: unscoped,
      phases: ["create", "read"],
      source: "internal/service/kms/alias.go#resourceAliasRead (findAliasByName)",
    },
  ],
};
