// Copies AWS's API models from a botocore data folder into this folder, documentation stripped (the
// shapes, constraints and HTTP bindings are kept as AWS wrote them), and records the source version.
//   node local/aws/api-models/vendor.mjs <botocore package dir>
// e.g. $(python3 -c 'import botocore, os; print(os.path.dirname(botocore.__file__))')
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The services the project calls: handlers, the state machine's Tasks and the local stand-ins. */
export const SERVICES = [
  "apigateway",
  "codecommit",
  "codepipeline",
  "events",
  "glue",
  "kms",
  "lambda",
  "s3",
  "sagemaker",
  "sagemaker-runtime",
  "stepfunctions",
  "sts",
];

const here = dirname(fileURLToPath(import.meta.url));
const dropped = new Set(["documentation", "documentationUrl"]);
const strip = (node) =>
  Array.isArray(node)
    ? node.map(strip)
    : node && typeof node === "object"
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([k]) => !dropped.has(k))
            .map(([k, v]) => [k, strip(v)]),
        )
      : node;

function newestModel(dataDir, service) {
  const versions = readdirSync(join(dataDir, service)).sort();
  const dir = join(dataDir, service, versions.at(-1));
  const file = readdirSync(dir).find((f) => /^service-2\.json(\.gz)?$/.test(f));
  const raw = readFileSync(join(dir, file));
  return { apiVersion: versions.at(-1), model: JSON.parse(file.endsWith(".gz") ? gunzipSync(raw) : raw) };
}

const root = process.argv[2];
if (!root) throw new Error("usage: vendor.mjs <botocore package dir>");
const version = /__version__ = '([^']+)'/.exec(readFileSync(join(root, "__init__.py"), "utf8"))[1];
const sources = {};
for (const service of SERVICES) {
  const { apiVersion, model } = newestModel(join(root, "data"), service);
  writeFileSync(join(here, `${service}.json`), `${JSON.stringify(strip(model), null, 1)}\n`);
  sources[service] = `botocore/data/${service}/${apiVersion}/service-2.json`;
}
writeFileSync(
  join(here, "source.json"),
  `${JSON.stringify({ botocore: version, models: sources }, null, 2)}\n`,
);
console.log(`vendored ${SERVICES.length} models from botocore ${version}`);
