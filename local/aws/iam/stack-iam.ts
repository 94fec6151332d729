import type { CapturedResource, OfflineRun } from "../../../tools/offline/harness";
import type { IamRequest, Policies, PolicyDocument } from "./evaluator";

/**
 * The IAM side of an offline run, as AWS would see it after `pulumi up`: each role's inline
 * policies and trust policy, each function's role and environment, key, bucket and queue policies,
 * and which key encrypts which resource.
 */
export class StackIam {
  readonly account: string;
  readonly region: string;

  constructor(readonly run: OfflineRun) {
    const key = this.ofType("aws:kms/key:Key")[0];
    const arn = key ? String(key.wire?.state.arn) : "arn:aws:kms:us-west-2:123456789012:key/none";
    [, , , this.region, this.account] = arn.split(":");
  }

  ofType(type: string): CapturedResource[] {
    return this.run.resources.filter((r) => r.type === type && r.custom);
  }

  private state(resource: CapturedResource): Record<string, unknown> {
    return (resource.wire?.state ?? resource.inputs) as Record<string, unknown>;
  }

  private one(type: string, match: (r: CapturedResource) => boolean, what: string): CapturedResource {
    const found = this.ofType(type).filter(match);
    if (found.length !== 1) throw new Error(`expected one ${type} for ${what}, found ${found.length}`);
    return found[0];
  }

  /** A function by its logical name (`mlops-pipeline-runner`). */
  fn(logicalName: string): { name: string; roleArn: string; environment: Record<string, string> } {
    const fn = this.one("aws:lambda/function:Function", (r) => r.name === logicalName, logicalName);
    const state = this.state(fn);
    return {
      name: String(state.name),
      roleArn: String(state.role),
      environment: ((state.environment as { variables?: Record<string, string> })?.variables ?? {}) as Record<
        string,
        string
      >,
    };
  }

  roleArn(logicalName: string): string {
    return String(this.state(this.one("aws:iam/role:Role", (r) => r.name === logicalName, logicalName)).arn);
  }

  /** A role's inline policies (the program attaches no managed policies). */
  identityPolicies(roleArn: string): PolicyDocument[] {
    const roleName = roleArn.split("/").pop();
    return this.ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => String(p.inputs.role) === roleName)
      .map((p) => JSON.parse(String(p.inputs.policy)) as PolicyDocument);
  }

  trustPolicy(roleArn: string): PolicyDocument {
    const role = this.one("aws:iam/role:Role", (r) => String(this.state(r).arn) === roleArn, roleArn);
    return JSON.parse(String(role.inputs.assumeRolePolicy)) as PolicyDocument;
  }

  roles(): { logicalName: string; arn: string; trust: PolicyDocument }[] {
    return this.ofType("aws:iam/role:Role").map((r) => ({
      logicalName: r.name,
      arn: String(this.state(r).arn),
      trust: JSON.parse(String(r.inputs.assumeRolePolicy)) as PolicyDocument,
    }));
  }

  keyArns(): string[] {
    return this.ofType("aws:kms/key:Key").map((k) => String(this.state(k).arn));
  }

  keyPolicy(keyArn: string): PolicyDocument | undefined {
    const key = this.ofType("aws:kms/key:Key").find((k) => String(this.state(k).arn) === keyArn);
    return key ? (JSON.parse(String(key.inputs.policy)) as PolicyDocument) : undefined;
  }

  bucketPolicy(bucketName: string): PolicyDocument | undefined {
    const policy = this.ofType("aws:s3/bucketPolicy:BucketPolicy").find(
      (p) => p.inputs.bucket === bucketName,
    );
    return policy ? (JSON.parse(String(policy.inputs.policy)) as PolicyDocument) : undefined;
  }

  queuePolicy(queueArn: string): PolicyDocument | undefined {
    const queue = this.ofType("aws:sqs/queue:Queue").find((q) => this.state(q).arn === queueArn);
    if (!queue) return undefined;
    const url = this.state(queue).url;
    const policy = this.ofType("aws:sqs/queuePolicy:QueuePolicy").find((p) => p.inputs.queueUrl === url);
    return policy ? (JSON.parse(String(policy.inputs.policy)) as PolicyDocument) : undefined;
  }

  /** The key that encrypts an S3 bucket's objects by default. */
  bucketKey(bucketName: string): string | undefined {
    const config = this.ofType(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).find((c) => c.inputs.bucket === bucketName);
    const rules = (config?.inputs.rules ?? []) as {
      applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string };
    }[];
    const kms = rules.find((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm === "aws:kms");
    return kms?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
  }

  stateMachineKey(stateMachineArn: string): string | undefined {
    const machine = this.ofType("aws:sfn/stateMachine:StateMachine").find(
      (m) => this.state(m).arn === stateMachineArn,
    );
    const config = machine?.inputs.encryptionConfiguration as
      { type?: string; kmsKeyId?: string } | undefined;
    return config?.type === "CUSTOMER_MANAGED_KMS_KEY" ? config.kmsKeyId : undefined;
  }

  repositoryKey(repositoryArn: string): string | undefined {
    const repo = this.ofType("aws:codecommit/repository:Repository").find(
      (r) => this.state(r).arn === repositoryArn,
    );
    return repo?.inputs.kmsKeyId as string | undefined;
  }

  queueKey(queueArn: string): string | undefined {
    const queue = this.ofType("aws:sqs/queue:Queue").find((q) => this.state(q).arn === queueArn);
    return queue?.inputs.kmsMasterKeyId as string | undefined;
  }

  /** Identity policies of the principal (a role ARN) and the policy of the resource, when it has one. */
  policiesFor(request: IamRequest): Policies {
    const identity = request.principal.startsWith("arn:") ? this.identityPolicies(request.principal) : [];
    return { identity, resource: this.resourcePolicy(request.resource) };
  }

  /** `policiesFor` with the identity statements that `drop` matches removed (for planted defects). */
  policiesWithout(drop: (statement: Record<string, unknown>) => boolean): (request: IamRequest) => Policies {
    return (request) => {
      const policies = this.policiesFor(request);
      const keep = (doc: PolicyDocument) => ({
        ...doc,
        Statement: ([] as Record<string, unknown>[])
          .concat(doc.Statement as Record<string, unknown>[])
          .filter((s) => !drop(s)),
      });
      return { ...policies, identity: policies.identity.map(keep) };
    };
  }

  /** The resource policy of the model package group a package or group ARN belongs to. */
  modelPackageGroupPolicy(resource: string): PolicyDocument | undefined {
    const match = /:model-package(?:-group)?\/([^/]+)/.exec(resource);
    const policy = this.ofType("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy").find(
      (p) => String(p.inputs.modelPackageGroupName).toLowerCase() === match?.[1].toLowerCase(),
    );
    return policy ? (JSON.parse(String(policy.inputs.resourcePolicy)) as PolicyDocument) : undefined;
  }

  private resourcePolicy(resource: string): PolicyDocument | undefined {
    const [, , service, , , rest] = resource.split(":");
    if (service === "kms") return this.keyPolicy(resource);
    if (service === "sagemaker" && rest?.startsWith("model-package"))
      return this.modelPackageGroupPolicy(resource);
    if (service === "s3") return this.bucketPolicy(resource.split(":::")[1].split("/")[0]);
    if (service === "sqs") return this.queuePolicy(resource);
    void rest;
    return undefined;
  }
}
