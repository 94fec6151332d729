import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { outermostComponent, TAGGABLE_TYPES, withComponentTag } from "../../infra/shared/tags";
import { offline } from "../helpers/offline";
import type { OfflineRun } from "../../tools/offline/harness";

const ROOT = join(__dirname, "..", "..");

const infraSources = () =>
  (readdirSync(join(ROOT, "infra"), { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(ROOT, "infra", file));

/** `aws:<module>/<file>:<Class>` of every `new aws.<module>.<Class>(` in infra/, with whether its Args take tags. */
function declaredTypes(): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const file of infraSources()) {
    for (const [, module, cls] of readFileSync(file, "utf8").matchAll(
      /new aws\.([a-z0-9]+)\.([A-Za-z0-9]+)(?:<[^>]*>)?\(/g,
    )) {
      const resource = cls === "CallbackFunction" ? "Function" : cls;
      const fileName = resource[0].toLowerCase() + resource.slice(1);
      const typings = join(ROOT, "node_modules", "@pulumi", "aws", module, `${fileName}.d.ts`);
      assert.ok(existsSync(typings), `no typings for aws.${module}.${cls} at ${typings}`);
      const args = readFileSync(typings, "utf8").split(`export interface ${resource}Args`)[1] ?? "";
      found.set(`aws:${module}/${fileName}:${resource}`, /\n {4}tags\?:/.test(args));
    }
  }
  return found;
}

const providerOf = (run: OfflineRun) => run.resources.find((r) => r.type === "pulumi:providers:aws")!;
const tagsOf = (inputs: Record<string, unknown>) => inputs.tags as Record<string, string> | undefined;

describe("tags: the stack's by the provider, the component's by one stack transform", function () {
  this.timeout(120_000);

  it("knows every taggable type the program declares, and only those", () => {
    const taggable = [...declaredTypes()].filter(([, tags]) => tags).map(([type]) => type);
    assert.deepEqual([...TAGGABLE_TYPES].sort(), [...new Set(taggable)].sort());
  });

  it("the provider carries project, stack and the stack's extra tags as defaultTags", async () => {
    const run = await offline({ stack: "test", config: ['tags={"team":"ml-platform"}'] });
    // Provider configuration reaches the provider as JSON text (pulumi-aws, like every bridged provider).
    const defaults = JSON.parse(providerOf(run).inputs.defaultTags as string) as {
      tags: Record<string, string>;
    };
    assert.deepEqual(defaults.tags, { team: "ml-platform", project: "mlops", stack: "test" });
    for (const r of run.resources.filter((r) => r.custom && r.type.startsWith("aws:")))
      assert.equal(
        r.provider?.split("::")[3],
        "mlops-aws",
        `${r.type} ${r.name} is not created by the stack's provider`,
      );
  });

  it("prod: every AWS resource is created by the stack's provider, which carries the default tags too", async () => {
    const run = await offline({ stack: "prod" });
    const defaults = JSON.parse(providerOf(run).inputs.defaultTags as string) as {
      tags: Record<string, string>;
    };
    assert.deepEqual(defaults.tags, { project: "mlops", stack: "prod" });
    for (const r of run.resources.filter((r) => r.custom && r.type.startsWith("aws:")))
      assert.equal(
        r.provider?.split("::")[3],
        "mlops-aws",
        `${r.type} ${r.name} is not created by the stack's provider`,
      );
  });

  for (const stack of ["test", "prod"]) {
    it(`${stack}: each taggable resource is tagged with its outermost component, and nothing else repeats the stack's`, async () => {
      const run = await offline({ stack });
      const taggable = run.resources.filter((r) => r.custom && TAGGABLE_TYPES.has(r.type));
      assert.ok(taggable.length >= 15, `only ${taggable.length} taggable resources`);
      for (const r of taggable) {
        const tags = tagsOf(r.inputs) ?? {};
        assert.equal(tags.component, outermostComponent(r.parent), `${r.type} ${r.name}`);
        assert.ok(!("project" in tags) && !("stack" in tags), `${r.type} ${r.name} repeats the default tags`);
      }
      for (const r of run.resources.filter((r) => r.custom && !TAGGABLE_TYPES.has(r.type)))
        assert.equal(tagsOf(r.inputs), undefined, `${r.type} ${r.name} takes no tags`);
    });
  }

  it("names the outermost project component, whatever the depth, and none for the stack's own", () => {
    const urn = "urn:pulumi:prod::mlops::mlops:environments:ProdEnvironment$mlops:shared:SecureBucket::b";
    assert.equal(outermostComponent(urn), "mlops:environments:ProdEnvironment");
    assert.equal(outermostComponent("urn:pulumi:prod::mlops::pulumi:pulumi:Stack::mlops-prod"), undefined);
    assert.equal(outermostComponent(undefined), undefined);
  });

  it("keeps a resource's own tags, and leaves untaggable types and parentless resources alone", () => {
    const own = { tags: { "mlops:model-package": "g/4" }, name: "m" };
    assert.deepEqual(withComponentTag("aws:sagemaker/model:Model", own, "mlops:x:Y"), {
      name: "m",
      tags: { "mlops:model-package": "g/4", component: "mlops:x:Y" },
    });
    assert.equal(withComponentTag("aws:iam/rolePolicy:RolePolicy", {}, "mlops:x:Y"), undefined);
    assert.equal(withComponentTag("aws:sagemaker/model:Model", own, undefined), undefined);
  });
});
