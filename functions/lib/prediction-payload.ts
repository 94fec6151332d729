import { z } from "zod";
import { joinPath } from "../../config/validation";
import { builtOnce } from "../../config/built-once";
import { NamedError } from "../../config/named-error";

/**
 * The prediction API's request body: `{"features": [n numbers]}` or `{"instances": [[...], ...]}`.
 * XGBoost reads features as 32-bit floats, so a number past float32's range would reach the model as
 * infinity; it is refused here with the feature's position instead.
 */

/** The largest finite float32 (2^128 − 2^104). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A problem with the request, answered with 400 and this message. */
export class BadPayload extends NamedError {
  constructor(message: string) {
    super("BadPayload", message);
  }
}

export interface PayloadLimits {
  /** How many features a row has. */
  readonly featureCount: number;
  /** The most rows one request may send. */
  readonly maxBatch: number;
}

const USAGE = '{"features": [...]} or {"instances": [[...]]}';

/** A value as the client sent it, cut short: an error never echoes a whole payload back. */
function excerpt(value: unknown): string {
  // Containers are described, not serialized: a deeply nested one would overflow the stack.
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === "object") return "an object";
  const text = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const lengthOf = (input: unknown) => (Array.isArray(input) ? input.length : 0);

/** Built per limits (see schemaFor): handlers are serialized into Lambda archives, and a built schema cannot be. */
function payloadSchema({ featureCount, maxBatch }: PayloadLimits) {
  const feature = z
    .number({ error: (issue) => `must be a finite number, got ${excerpt(issue.input)}` })
    .refine((value) => Math.abs(value) <= FLOAT32_MAX, {
      error: (issue) => `is outside the float32 range the model reads (±3.4e38), got ${excerpt(issue.input)}`,
    });
  const row = z.array(feature, { error: `must be a list of ${featureCount} numbers` }).length(featureCount, {
    error: (issue) => `must have ${featureCount} values, got ${lengthOf(issue.input)}`,
  });
  return z
    .strictObject(
      {
        features: row.optional(),
        instances: z
          .array(row, { error: "must be a non-empty list of rows" })
          .min(1, { error: "must be a non-empty list of rows" })
          .max(maxBatch, {
            error: (issue) => `has ${lengthOf(issue.input)} rows; at most ${maxBatch} per request`,
          })
          .optional(),
      },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown field ${excerpt(issue.keys[0])}; use "features" or "instances"`
            : `the request body must be an object: ${USAGE}`,
      },
    )
    .refine((body) => body.features === undefined || body.instances === undefined, {
      error: 'send either "features" or "instances", not both',
    })
    .refine((body) => body.features !== undefined || body.instances !== undefined, {
      error: 'missing "features" (one row) or "instances" (a batch)',
    });
}

type PayloadSchema = ReturnType<typeof payloadSchema>;

/** The schema for these limits, built once per process (building one would be most of a request's time). */
const schemaFor = (limits: PayloadLimits): PayloadSchema =>
  builtOnce(`prediction-payload/${limits.featureCount}/${limits.maxBatch}`, () => payloadSchema(limits));

function parseJson(body: string | null): unknown {
  if (!body) throw new BadPayload(`the request body is empty; send ${USAGE}`);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BadPayload(`the request body is not JSON (${(error as Error).message.slice(0, 80)})`);
  }
}

/** The rows to score; the first problem found, named by its place in the body, as a BadPayload. */
export function parsePayload(body: string | null, limits: PayloadLimits): number[][] {
  const result = schemaFor(limits).safeParse(parseJson(body));
  if (!result.success) {
    const [issue] = result.error.issues;
    const where = joinPath(issue.path);
    throw new BadPayload(where ? `${where} ${issue.message}` : issue.message);
  }
  const { features, instances } = result.data;
  return features ? [features] : instances!;
}
