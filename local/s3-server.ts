import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { filesUnder } from "./files";
import { dirname, join, relative, sep } from "node:path";
import { listen, readBody } from "./http";
import type { LocalWorld } from "./world";

/**
 * A local S3 for the handlers' own S3 calls (GetObject, PutObject, HeadObject, ListObjectsV2,
 * path-style), storing objects as files under the run directory.
 */

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function error(code: string, message: string, status: number) {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`,
  };
}

export async function startS3(world: LocalWorld) {
  const root = join(world.runDir, "s3");
  return listen(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://local");
    const [, bucket, ...keyParts] = url.pathname.split("/").map(decodeURIComponent);
    const key = keyParts.join("/");
    const file = join(root, bucket ?? "", key);
    const send = (status: number, body: string | Buffer, type = "application/xml") => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    try {
      if (!bucket || !file.startsWith(root + sep)) {
        const e = error("InvalidRequest", "path-style requests only", 400);
        return send(e.status, e.body);
      }
      if (request.method === "PUT" && key) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await readBody(request));
        response.writeHead(200, { etag: '"local"' });
        return response.end();
      }
      if ((request.method === "GET" || request.method === "HEAD") && key) {
        if (!existsSync(file) || statSync(file).isDirectory()) {
          const e = error("NoSuchKey", "The specified key does not exist.", 404);
          return send(e.status, request.method === "HEAD" ? "" : e.body);
        }
        const body = readFileSync(file);
        response.writeHead(200, {
          "content-length": body.length,
          "content-type": "application/octet-stream",
        });
        return response.end(request.method === "HEAD" ? undefined : body);
      }
      if (request.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = filesUnder(join(root, bucket))
          .map((f) => relative(join(root, bucket), f).split(sep).join("/"))
          .filter((k) => k.startsWith(prefix))
          .sort();
        const contents = keys
          .map(
            (k) =>
              `<Contents><Key>${xml(k)}</Key><Size>${statSync(join(root, bucket, k)).size}</Size></Contents>`,
          )
          .join("");
        return send(
          200,
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      const e = error("NotImplemented", `${request.method} ${url.pathname} is not supported locally`, 501);
      return send(e.status, e.body);
    } catch (problem) {
      const e = error("InternalError", String(problem), 500);
      return send(e.status, e.body);
    }
  });
}
