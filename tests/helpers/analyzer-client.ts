import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { CapturedResource } from "../../tools/offline/harness";

/**
 * The Pulumi CLI's side of a policy pack: it starts the pack with `@pulumi/pulumi`'s
 * `cmd/run-policy-pack` (which registers the pack's own ts-node and TypeScript, type-checking,
 * and requires index.ts), reads the port the pack's `PolicyPack` prints, and calls the Analyzer gRPC
 * service. Every module is loaded from the pack's own node_modules, as the CLI's plugin would.
 */

export interface Diagnostic {
  policy: string;
  pack: string;
  urn: string;
  message: string;
  enforcementLevel: string;
}

/** The proto's EnforcementLevel enum, by number. */
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs ship no usable types here */
type Stub = any;

export class PackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: Stub,
    private readonly proto: { analyzer: Stub; struct: Stub; empty: Stub },
  ) {}

  /** Starts the pack in `dir` and connects to it; rejects with the pack's stderr if it never serves. */
  static async start(dir: string, timeoutMs: number): Promise<PackProcess> {
    const packRequire = createRequire(join(dir, "package.json"));
    const runner = packRequire.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    // The engine address is only used to log errors; nothing listens there in this test.
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: dir, env: packEnv() });
    const port = await firstLine(child, timeoutMs);
    const grpc = packRequire("@grpc/grpc-js") as Stub;
    const services = packRequire("@pulumi/pulumi/proto/analyzer_grpc_pb") as Stub;
    const client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PackProcess(child, client, {
      analyzer: packRequire("@pulumi/pulumi/proto/analyzer_pb"),
      struct: packRequire("google-protobuf/google/protobuf/struct_pb"),
      empty: packRequire("google-protobuf/google/protobuf/empty_pb"),
    });
  }

  private call<T>(method: string, request: Stub): Promise<T> {
    return new Promise((resolve, reject) =>
      this.client[method](request, (error: Error | null, response: T) =>
        error ? reject(error) : resolve(response),
      ),
    );
  }

  async policyNames(): Promise<{ name: string; version: string; policies: string[] }> {
    const info = await this.call<Stub>("getAnalyzerInfo", new this.proto.empty.Empty());
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies: info.getPoliciesList().map((p: Stub) => p.getName()),
    };
  }

  /**
   * As the CLI does before analyzing: every policy gets its enforcement level (a `--policy-pack-config`
   * file's `all`, else the policy's own) and its config schema's defaults.
   */
  async configure(level?: "advisory" | "mandatory"): Promise<void> {
    const info = await this.call<Stub>("getAnalyzerInfo", new this.proto.empty.Empty());
    const request = new this.proto.analyzer.ConfigureAnalyzerRequest();
    for (const policy of info.getPoliciesList()) {
      const schema = policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      const defaults = Object.fromEntries(
        Object.entries(schema as Record<string, { default?: unknown }>).map(([key, s]) => [key, s.default]),
      );
      const config = new this.proto.analyzer.PolicyConfig();
      config.setEnforcementlevel(level === undefined ? policy.getEnforcementlevel() : LEVELS.indexOf(level));
      config.setProperties(this.proto.struct.Struct.fromJavaScript(defaults));
      request.getPolicyconfigMap().set(policy.getName(), config);
    }
    await this.call("configure", request);
  }

  /** Resource policies see each resource's inputs; stack policies every resource's state. */
  async analyze(resources: CapturedResource[]): Promise<Diagnostic[]> {
    const diagnostics: Diagnostic[] = [];
    for (const resource of resources) {
      const request = this.fill(new this.proto.analyzer.AnalyzeRequest(), resource, resource.wire?.inputs);
      // The engine attributes a resource policy's violation to the resource it sent.
      const found = this.read(await this.call("analyze", request));
      diagnostics.push(...found.map((d) => ({ ...d, urn: d.urn || resource.urn })));
    }
    const stack = new this.proto.analyzer.AnalyzeStackRequest();
    stack.setResourcesList(
      resources.map((r) =>
        this.fill(new this.proto.analyzer.AnalyzerResource(), r, { ...r.wire?.inputs, ...r.wire?.state }),
      ),
    );
    diagnostics.push(...this.read(await this.call("analyzeStack", stack)));
    return diagnostics;
  }

  private fill(message: Stub, resource: CapturedResource, props: Record<string, unknown> | undefined) {
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(this.proto.struct.Struct.fromJavaScript(props ?? {}));
    message.setOptions(new this.proto.analyzer.AnalyzerResourceOptions());
    return message;
  }

  private read(response: Stub): Diagnostic[] {
    // The pack sends the policy's description and the violation as one message; the CLI shows both.
    return response.getDiagnosticsList().map((d: Stub) => ({
      policy: d.getPolicyname(),
      pack: d.getPolicypackname(),
      urn: d.getUrn(),
      message: String(d.getMessage()).replace(`${d.getDescription()}\n`, ""),
      enforcementLevel: LEVELS[d.getEnforcementlevel()],
    }));
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The pack runs with the machine's environment minus the test process's ts-node settings. */
function packEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("TS_NODE_")) delete env[key];
  return env;
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`the pack did not serve within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && /^\d+$/.test(line.trim())) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the pack exited with ${code} before serving:\n${out}\n${err}`));
    });
  });
}
