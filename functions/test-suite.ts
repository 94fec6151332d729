import { z } from "zod";
import { builtOnce } from "../config/built-once";

/**
 * The test suite the Test stage runs against the test API: known rows from the held-out test split
 * must come back with their classes, every call within the latency budget, and malformed requests
 * must get a 400. Pure apart from `fetch`, so local mode runs the very same suite.
 */

export interface KnownCase {
  name: string;
  expectedClass: 0 | 1;
  features: number[];
}

/** The part of fetch the suite uses: a POST with headers and a body, its answer read as text. */
export type SuiteFetch = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface SuiteSettings {
  /** The prediction URL, e.g. https://…/test/predictions. */
  url: string;
  apiKey?: string;
  cases: KnownCase[];
  /**
   * The 95th percentile of the known-row calls must be within this many milliseconds (p50 and max are
   * reported too). A percentile, not the maximum: one call slowed by a busy machine is not a slow model.
   */
  latencyBudgetMs: number;
  /** Share of known rows whose class must match; a model is rarely right on every row. */
  minAccuracy: number;
  /** How requests are sent; fetch by default (local mode sends them with node:http). */
  fetchImpl?: SuiteFetch;
}

export interface CaseResult {
  name: string;
  kind: "known-row" | "malformed" | "latency" | "accuracy";
  passed: boolean;
  detail: string;
  ms?: number;
}

export interface SuiteReport {
  passed: boolean;
  summary: string;
  results: CaseResult[];
  latency: { p50: number; p95: number; max: number };
}

/** Requests the API must reject with 400, each with the reason it is wrong. */
export function malformedCases(featureCount: number): { name: string; body: string }[] {
  const good = Array.from({ length: featureCount }, () => 0);
  return [
    { name: "empty body", body: "" },
    { name: "body is not JSON", body: "features=1,2,3" },
    { name: "too few features", body: JSON.stringify({ features: good.slice(1) }) },
    { name: "too many features", body: JSON.stringify({ features: [...good, 1] }) },
    { name: "a feature is not a number", body: JSON.stringify({ features: ["x", ...good.slice(1)] }) },
    { name: "unknown field", body: JSON.stringify({ rows: [good] }) },
    { name: "empty batch", body: JSON.stringify({ instances: [] }) },
  ];
}

export function percentile(values: number[], percent: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((percent / 100) * sorted.length) - 1)];
}

/** The API's answers; built on first use, as handlers are serialized into Lambda archives. */
const predictionResponse = () =>
  builtOnce("suite-prediction-response", () =>
    z.object({
      predictions: z
        .array(
          z.object({ class: z.union([z.literal(0), z.literal(1)]), probability: z.number().min(0).max(1) }),
        )
        .min(1),
    }),
  );
const errorResponse = () => builtOnce("suite-error-response", () => z.object({ message: z.string().min(1) }));

function readBody<T extends z.ZodType>(schema: T, text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return schema.safeParse(json);
}

export async function runSuite(settings: SuiteSettings): Promise<SuiteReport> {
  const doFetch: SuiteFetch = settings.fetchImpl ?? fetch;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (settings.apiKey) headers["x-api-key"] = settings.apiKey;
  const call = async (body: string) => {
    const started = performance.now();
    const response = await doFetch(settings.url, { method: "POST", headers, body });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  };
  const results: CaseResult[] = [];
  const timings: number[] = [];
  let correct = 0;

  for (const known of settings.cases) {
    try {
      const { status, text, ms } = await call(JSON.stringify({ features: known.features }));
      timings.push(ms);
      const predicted = status === 200 ? readBody(predictionResponse(), text) : undefined;
      const first = predicted?.success ? predicted.data.predictions[0] : undefined;
      const passed = first?.class === known.expectedClass;
      if (passed) correct++;
      results.push({
        name: known.name,
        kind: "known-row",
        passed,
        ms,
        detail: first
          ? `expected class ${known.expectedClass}, got ${first.class} (p=${first.probability.toFixed(3)})`
          : status === 200
            ? `200 with a body that is not a prediction: ${text.slice(0, 200)}`
            : `expected 200, got ${status}: ${text.slice(0, 200)}`,
      });
    } catch (error) {
      results.push({
        name: known.name,
        kind: "known-row",
        passed: false,
        detail: `request failed: ${String(error)}`,
      });
    }
  }

  const featureCount = settings.cases[0]?.features.length ?? 1;
  for (const bad of malformedCases(featureCount)) {
    try {
      const { status, text } = await call(bad.body);
      const answer = status === 400 ? readBody(errorResponse(), text) : undefined;
      const message = answer?.success ? answer.data.message : "";
      results.push({
        name: bad.name,
        kind: "malformed",
        passed: status === 400 && message.length > 0,
        detail:
          status === 400
            ? `400: ${message}`
            : `expected 400 with a message, got ${status}: ${text.slice(0, 200)}`,
      });
    } catch (error) {
      results.push({
        name: bad.name,
        kind: "malformed",
        passed: false,
        detail: `request failed: ${String(error)}`,
      });
    }
  }

  const accuracy = settings.cases.length ? correct / settings.cases.length : 0;
  results.push({
    name: "known-row accuracy",
    kind: "accuracy",
    passed: accuracy >= settings.minAccuracy,
    detail: `${correct}/${settings.cases.length} = ${accuracy.toFixed(3)} (minimum ${settings.minAccuracy})`,
  });
  const latency = {
    p50: percentile(timings, 50),
    p95: percentile(timings, 95),
    max: Math.max(0, ...timings),
  };
  results.push({
    name: "latency budget",
    kind: "latency",
    passed: timings.length > 0 && latency.p95 <= settings.latencyBudgetMs,
    detail: `p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms (budget ${settings.latencyBudgetMs} ms at p95)`,
  });

  const failed = results.filter((r) => !r.passed && r.kind !== "known-row");
  const passed = failed.length === 0;
  const malformed = results.filter((r) => r.kind === "malformed");
  const summary = `${passed ? "passed" : "FAILED"}: ${correct}/${settings.cases.length} known rows, ${malformed.filter((r) => r.passed).length}/${malformed.length} malformed requests rejected, p95 ${latency.p95.toFixed(0)} ms`;
  return { passed, summary, results, latency };
}

/** The report as text for CodePipeline (failures first, within its 5,000-character limit). */
export function describeReport(report: SuiteReport, limit = 5000): string {
  const lines = [
    report.summary,
    ...[...report.results]
      .sort((a, b) => Number(a.passed) - Number(b.passed))
      .map((r) => `${r.passed ? "ok  " : "FAIL"} ${r.kind} ${r.name}: ${r.detail}`),
  ];
  const text = lines.join("\n");
  return text.length <= limit ? text : `${text.slice(0, limit - 20)}\n… (truncated)`;
}
