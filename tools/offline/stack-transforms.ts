import * as pulumi from "@pulumi/pulumi";
import * as state from "@pulumi/pulumi/runtime/state";

/**
 * Stack transforms offline. Under Pulumi's mocks `registerResourceTransform` throws: the engine, not
 * the SDK, calls each transform before it registers a resource, with the inputs and the parent as a
 * URN (pulumi/pulumi#18642), and registers what it returns. The harness does the same here, so an
 * offline run records the inputs a deployment would send.
 */

type Transform = pulumi.ResourceTransform;
/** google.protobuf.Struct, reached through the request's own so the SDK's copy of the class is used. */
type Struct = { constructor: { fromJavaScript(value: unknown): Struct } };
type Request = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom?(): boolean;
  getObject?(): Struct | undefined;
  setObject?(value: Struct): void;
};
type Method = (req: Request, callback: (...answer: unknown[]) => void) => unknown;

interface Store {
  callbacks?: unknown;
}

/** Accepts stack transforms and applies them to every resource registered after. */
export function emulateStackTransforms(monitor: Record<string, Method>): void {
  const transforms: Transform[] = [];
  const store = (state as unknown as { getStore(): Store }).getStore();
  // The mocks answer every feature but output values as supported, transforms included. Alias
  // specs are answered "no", so the SDK sends aliases as URNs, children's included, as it does for
  // an engine without them: what an offline run records to check that moved resources keep theirs.
  const supportsFeature = monitor.supportsFeature.bind(monitor);
  monitor.supportsFeature = (req, callback) =>
    (req as unknown as { getId(): string }).getId() === "aliasSpecs"
      ? callback(null, { getHassupport: () => false })
      : supportsFeature(req, callback);
  store.callbacks = {
    registerStackTransform: (transform: Transform) => transforms.push(transform),
    awaitStackRegistrations: () => Promise.resolve(),
    shutdown: () => undefined,
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    if (transforms.length === 0 || !req.getObject || !req.setObject) return original(req, callback);
    return transformed(req, transforms).then(
      () => original(req, callback),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

async function transformed(req: Request, transforms: Transform[]): Promise<void> {
  const object = req.getObject!();
  if (!object) return;
  let props = pulumi.runtime.deserializeProperties(object as never) as Record<string, unknown>;
  const parent = req.getParent() ? new pulumi.DependencyResource(req.getParent()) : undefined;
  let opts: pulumi.ResourceOptions = { parent };
  for (const transform of transforms) {
    const result = await transform({
      type: req.getType(),
      name: req.getName(),
      custom: Boolean(req.getCustom?.()),
      props,
      opts,
    });
    if (result)
      ({ props, opts } = result as { props: Record<string, unknown>; opts: pulumi.ResourceOptions });
  }
  const serialized = await pulumi.runtime.serializeProperties(`transform of ${req.getName()}`, props);
  req.setObject!(object.constructor.fromJavaScript(serialized));
}
