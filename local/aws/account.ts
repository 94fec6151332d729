import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineRun } from "../../tools/offline/harness";
import { ASSUME_ROLE, type AssumingService } from "../../infra/shared/service-principals";
import type { Deployment } from "./deployment";
import { AccessDenied, type DenialReason } from "./iam/denial";
import { decisionKey } from "./iam/decision-key";
import { decide, type IamRequest, type Policies } from "./iam/evaluator";
import { StackIam } from "./iam/stack-iam";
import type { Session } from "./identity";

/** A request to authorize, without the caller (the session is the caller). */
export type Request = Omit<IamRequest, "principal" | "because">;

/**
 * The local AWS account: the deployed stacks' IAM (every role's policies, every bucket, key and
 * model group policy) and the role sessions the account's callers act as. Each call a local run
 * makes is decided here by the IAM evaluator, and a denied one throws AWS's AccessDenied.
 */
export class LocalAccount {
  readonly iam: StackIam;
  readonly id: string;
  /** Every call refused so far, with AWS's message, in order (a handler may swallow the error). */
  readonly refusals: string[] = [];
  readonly region: string;
  private readonly sessions = new Map<string, Session>();
  private readonly decisions: Map<string, DenialReason | null> = new Map();
  private readonly policies = new Map<string, Policies>();
  private readonly assumed = new Map<string, Session>();
  private readonly exact = new Map<string, DenialReason | null>();
  /** The decisions this run needed (the ones kept for the next). */
  private readonly used = new Set<string>();

  /**
   * `decisionsKey` names the deployment (its cache key, see deployment.ts): IAM's decisions are kept
   * on disk under it, so the next run of the same stacks decides only what it has not seen (the
   * evaluator's first decisions in a process are its slowest). A changed deployment has none.
   */
  constructor(
    readonly deployment: Deployment,
    private readonly decisionsKey?: string,
  ) {
    if (decisionsKey) this.decisions = readDecisions(decisionsKey);
    this.id = deployment.account;
    this.region = deployment.region;
    const both: OfflineRun = {
      project: "mlops",
      stack: "local",
      preview: false,
      resources: [...deployment.test.resources, ...deployment.prod.resources],
      outputs: {},
    };
    this.iam = new StackIam(both);
  }

  /**
   * `sts:AssumeRole` as a service does it for the code it runs (Lambda for a function, Step
   * Functions for a state machine, SageMaker for a job): the role's trust policy must let the
   * service assume it, with the condition keys the service documents sending.
   */
  assume(roleArn: string, service: AssumingService, sessionName: string): Session {
    const key = `${roleArn}|${service}|${sessionName}`;
    let session = this.assumed.get(key);
    if (!session) this.assumed.set(key, (session = this.newSession(roleArn, service, sessionName)));
    return session;
  }

  private newSession(roleArn: string, service: AssumingService, sessionName: string): Session {
    const trust = this.iam.trustPolicy(roleArn);
    const context: Record<string, string> = ASSUME_ROLE[service].sendsSourceAccount
      ? { "aws:SourceAccount": this.id }
      : {};
    const request = { action: "sts:AssumeRole", resource: roleArn, context };
    if (this.decided(service, request, { identity: [], resource: trust }) !== null) {
      const denied = new AccessDenied(service, "sts:AssumeRole", roleArn, "no-trust");
      this.refusals.push(denied.message);
      throw denied;
    }
    const roleName = roleArn.split("/").pop()!;
    const accessKeyId = `ASIA${createHash("sha256").update(`${roleArn}|${sessionName}`).digest("hex").slice(0, 16).toUpperCase()}`;
    const session: Session = {
      roleArn,
      assumedRoleArn: `arn:aws:sts::${this.id}:assumed-role/${roleName}/${sessionName}`,
      accessKeyId,
      secretAccessKey: randomBytes(20).toString("base64"),
      sessionToken: randomBytes(32).toString("base64"),
    };
    this.sessions.set(accessKeyId, session);
    return session;
  }

  /** The session an access key belongs to (the caller of a signed request). */
  sessionOf(accessKeyId: string | undefined): Session | undefined {
    return accessKeyId ? this.sessions.get(accessKeyId) : undefined;
  }

  /** A deployed Glue job by name: the role its runs assume. */
  glueJob(name: string): { roleArn: string } {
    const job = this.iam
      .ofType("aws:glue/job:Job")
      .find((j) => j.inputs.name === name || j.wire?.state.name === name);
    if (!job) throw new Error(`no Glue job ${name} is deployed`);
    return { roleArn: String(job.inputs.roleArn) };
  }

  /** The test stack's state machine: its ARN, role and the definition the program deployed. */
  stateMachine(): { arn: string; roleArn: string; definition: Record<string, unknown> } {
    const [machine, ...others] = this.iam.ofType("aws:sfn/stateMachine:StateMachine");
    if (!machine || others.length > 0) throw new Error("expected one deployed state machine");
    return {
      arn: String(machine.wire?.state.arn),
      roleArn: String(machine.inputs.roleArn),
      definition: JSON.parse(String(machine.inputs.definition)) as Record<string, unknown>,
    };
  }

  /** A deployed function by its logical name in the program (`mlops-microservice`). */
  deployedFunction(logicalName: string): ReturnType<StackIam["fn"]> {
    return this.iam.fn(logicalName);
  }

  /** The role of a deployed function, by name or ARN. */
  functionRole(nameOrArn: string): string {
    const fn = this.iam
      .ofType("aws:lambda/function:Function")
      .find((f) => [f.wire?.state.name, f.wire?.state.arn].includes(nameOrArn));
    if (!fn) throw new Error(`no function ${nameOrArn} is deployed`);
    return String(fn.wire?.state.role);
  }

  /** The caller's policies and the resource's, read once per caller and resource owner. */
  private policiesOf(request: IamRequest): Policies {
    const key = `${request.principal}|${policyOwner(request.resource)}`;
    let found = this.policies.get(key);
    if (!found) this.policies.set(key, (found = this.iam.policiesFor(request)));
    return found;
  }

  /**
   * Why IAM refuses the request, or null when it allows it. Requests IAM must decide alike
   * (decision-key.ts) are decided once, and decisions are kept for the next run.
   */
  denial(roleArn: string, request: Request): DenialReason | null {
    return this.decided(roleArn, request, this.policiesOf({ principal: roleArn, because: "", ...request }));
  }

  private decided(principal: string, request: Request, policies: Policies): DenialReason | null {
    // The same request again (every canary invocation) skips even working out its key.
    const exact = `${principal}|${request.action}|${request.resource}|${JSON.stringify(request.context ?? {})}`;
    const seen = this.exact.get(exact);
    if (seen !== undefined) return seen;
    const reason = this.decidedByKey(principal, request, policies);
    this.exact.set(exact, reason);
    return reason;
  }

  private decidedByKey(principal: string, request: Request, policies: Policies): DenialReason | null {
    const full: IamRequest = { principal, because: "", ...request };
    const key = decisionKey(principal, request, policies);
    this.used.add(key);
    const known = this.decisions.get(key);
    if (known !== undefined) return known;
    const decision = decide(full, policies);
    const reason: DenialReason | null =
      decision === "Allowed" ? null : reasonFor(full, policies, decision === "ExplicitlyDenied");
    this.decisions.set(key, reason);
    return reason;
  }

  /** Keeps this run's decisions for the next run of the same deployment. */
  saveDecisions(): void {
    if (!this.decisionsKey) return;
    writeDecisions(
      this.decisionsKey,
      [...this.used].map((key) => [key, this.decisions.get(key) ?? null]),
    );
  }

  /** Throws AWS's AccessDenied for the first request the session may not make. */
  authorize(session: Session, requests: Request[], options: { quoted?: boolean } = {}): void {
    for (const request of requests) {
      const reason = this.denial(session.roleArn, request);
      if (!reason) continue;
      const denied = new AccessDenied(
        session.assumedRoleArn,
        request.action,
        request.resource,
        reason,
        options.quoted,
      );
      this.refusals.push(denied.message);
      throw denied;
    }
  }
}

/** What a resource's policy belongs to: an S3 bucket, a key, a model group; other resources have none. */
function policyOwner(resource: string): string {
  const [, , service, , , rest = ""] = resource.split(":");
  if (service === "s3") return resource.split(":::")[1]?.split("/")[0] ?? resource;
  if (service === "sagemaker" && rest.startsWith("model-package")) return rest.split("/")[1] ?? resource;
  if (service === "kms" || service === "sqs") return resource;
  return "";
}

/** Which policy refused: the identity's or the resource's, by deciding with the identity alone. */
function reasonFor(request: IamRequest, policies: Policies, explicit: boolean): DenialReason {
  const identityAlone = decide(request, { identity: policies.identity });
  if (explicit)
    return identityAlone === "ExplicitlyDenied" ? "explicit-identity-deny" : "explicit-resource-deny";
  return identityAlone === "Allowed" ? "no-resource-allow" : "no-identity-allow";
}

const DECISIONS_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "mlops", "iam-decisions");

function readDecisions(key: string): Map<string, DenialReason | null> {
  try {
    return new Map(
      JSON.parse(readFileSync(join(DECISIONS_DIR, `${key}.json`), "utf8")) as [string, DenialReason | null][],
    );
  } catch {
    return new Map();
  }
}

function writeDecisions(key: string, decisions: [string, DenialReason | null][]): void {
  const file = join(DECISIONS_DIR, `${key}.json`);
  mkdirSync(DECISIONS_DIR, { recursive: true });
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(decisions));
  renameSync(`${file}.${process.pid}`, file);
}
