import { createHash } from "node:crypto";

/**
 * Values a model package's CustomerMetadataProperties can hold: SageMaker takes 1 to 256 letters,
 * separators, digits and `_.:/=+-@` (CustomerMetadataValue, SageMaker API model), and refuses the
 * whole registration otherwise, after the run's training and evaluation. A data set's S3 key may
 * hold anything (`churn (copy).csv`, `données,2025.csv`, 1,000 characters), so lineage values are
 * written in a form that always fits: any other character as `=XX` per UTF-8 byte (and `=` itself as
 * `=3D`, so it reads back), and a value over 256 characters cut with the SHA-256 of the whole.
 */

const ALLOWED = /[\p{L}\p{Z}\p{N}_.:/+\-@]/u;
const MAX = 256;

function escaped(char: string): string {
  if (ALLOWED.test(char)) return char;
  return [...Buffer.from(char, "utf8")]
    .map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, "0")}`)
    .join("");
}

/** The value as CustomerMetadataProperties hold it (`none` for an empty one: the minimum is 1). */
export function metadataValue(text: string): string {
  if (text.length === 0) return "none";
  const encoded = [...text].map(escaped).join("");
  if (encoded.length <= MAX) return encoded;
  const digest = `@sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
  // Cut before an escape that would be split, so what is kept still reads back.
  let head = encoded.slice(0, MAX - digest.length);
  head = head.replace(/=[0-9A-F]?$/, "");
  return `${head}${digest}`;
}

/** The original text of a value `metadataValue` wrote whole (a cut one reads back as its head). */
export function fromMetadataValue(value: string): string {
  const bytes: number[] = [];
  const text = value.replace(/@sha256:[0-9a-f]{16}$/, "");
  for (let i = 0; i < text.length;) {
    if (text[i] === "=" && /^[0-9A-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...Buffer.from(char, "utf8"));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
