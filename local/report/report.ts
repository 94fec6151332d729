import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataSetOf } from "../run/lineage";
import { sidesOf, type ModelQuality, type Side } from "../release/champion";
import { tuningSection } from "./tuning";
import type { LocalRunResult } from "../run/types";

/** The run as a page: metrics, ROC curve, confusion matrix, feature importance, drift and lineage. */

const esc = (text: unknown) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: unknown, digits = 4) =>
  typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "–";

/** The candidate's ROC curve, with the champion's drawn under it (grey, dashed) when there is one. */
function rocSvg(curves: { title: string; quality: ModelQuality; color: string; dash?: boolean }[]): string {
  const size = 260;
  const line = ({ quality: q, color, dash }: (typeof curves)[number]) =>
    `<polyline points="${q.roc.fpr.map((x, i) => `${(30 + x * size).toFixed(1)},${(10 + (1 - q.roc.tpr[i]) * size).toFixed(1)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2.5"${dash ? ' stroke-dasharray="6 4"' : ""}/>`;
  const legend = curves
    .map(
      (c, i) =>
        `<text x="${size + 20}" y="${size - 6 - 18 * (curves.length - 1 - i)}" text-anchor="end" font-size="13" font-weight="600" fill="${c.color}">${esc(c.title)}: AUC ${fmt(c.quality.auc, 3)}</text>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${size + 50} ${size + 45}" width="100%" style="max-width:${size + 50}px" role="img" aria-label="ROC curve">
  <rect x="30" y="10" width="${size}" height="${size}" fill="#fafafa" stroke="#bbb"/>
  <line x1="30" y1="${size + 10}" x2="${size + 30}" y2="10" stroke="#ccc" stroke-dasharray="4 4"/>
  ${[...curves].reverse().map(line).join("")}
  <text x="${30 + size / 2}" y="${size + 38}" text-anchor="middle" font-size="12">false positive rate</text>
  <text x="12" y="${10 + size / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 ${10 + size / 2})">true positive rate</text>
  ${legend}
</svg>`;
}

function bars(items: { label: string; value: number; flag?: boolean }[], unit = ""): string {
  const max = Math.max(...items.map((i) => i.value), 1e-9);
  return `<table class="bars">${items
    .map(
      (i) =>
        `<tr><td class="label" title="${esc(i.label)}">${esc(i.label)}</td><td class="bar"><div style="width:${((100 * i.value) / max).toFixed(1)}%" class="${i.flag ? "bad" : ""}"></div></td><td class="num">${fmt(i.value, 3)}${unit}</td></tr>`,
    )
    .join("")}</table>`;
}

/** The release: each variant's traffic, 5XX rate and latency, against the thresholds, and the verdict. */
function canarySection(canary: LocalRunResult["canary"]): string {
  if (!canary) return "<p>no release</p>";
  const { thresholds: t } = canary;
  const rows = canary.variants
    .map(
      (v) =>
        `<tr><td>${esc(v.name)} (v${v.version})</td><td class="num">${v.requests}</td><td class="num">${fmt(v.errorPercent, 1)}%</td><td class="num">${fmt(v.latencyMs.average, 1)}</td><td class="num">${fmt(v.latencyMs.p50, 1)}</td><td class="num">${fmt(v.latencyMs.p95, 1)}</td><td class="num">${fmt(v.latencyMs.p99, 1)}</td></tr>`,
    )
    .join("");
  const serving = canary.servingVersions?.length
    ? `version ${canary.servingVersions.join(", ")}`
    : "no model";
  const verdict = canary.passed
    ? `Passed: the new model took all traffic (production serves ${serving}).`
    : `Failed: ${canary.reasons.join("; ")}. Production serves ${serving}.`;
  return `<p>${esc(verdict)}</p><table><tr><th>variant</th><th class="num">requests</th><th class="num">5XX</th><th class="num">avg ms</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th></tr>${rows}</table>
<p class="muted">Judged as the prod alarms judge: 5XX above ${t.max5xxPercent}% or average model latency above ${t.maxModelLatencyMs} ms fails the canary (release in the ML config); ${canary.requests} requests, ${t.canaryPercent}% to the canary.</p>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1050px;color:#1f2937;padding:0 1rem}
h1{margin-bottom:.2rem} .status{color:#fff;padding:.15rem .6rem;border-radius:4px;font-size:.9rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1.2rem} section{border:1px solid #e5e7eb;border-radius:8px;padding:1rem;min-width:0;overflow-x:auto}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.8rem} caption{font-weight:600;text-align:left;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%} td,th{padding:.25rem .4rem;text-align:left;border-bottom:1px solid #f1f5f9;vertical-align:top;overflow-wrap:anywhere}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} .bars .bar{width:38%} .bars .bar div{height:12px;background:#60a5fa;border-radius:2px} .bars .bar div.bad{background:#ef4444}
.cm td{text-align:center;font-size:1.2rem;padding:.8rem} .cm .hit{background:#dcfce7} .cm .miss{background:#fee2e2}
.winner{background:#dcfce7} .bars{table-layout:fixed} .bars .label{width:40%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis} .bars .num{width:22%} code{font-size:.85rem;word-break:break-all} .muted{color:#6b7280}`;

const section = (title: string, body: string) => `<section><h2>${title}</h2>${body}</section>`;

function statusColor(outcome: LocalRunResult["outcome"]): string {
  if (outcome === "released") return "#15803d";
  return outcome === "failed" || outcome === "rolled-back" ? "#b91c1c" : "#a16207";
}

function dataSection(result: LocalRunResult): string {
  const data = result.dataReport as
    | { rows?: number; rejected?: number; splits?: Record<string, number>; maxRejectedShare?: number }
    | undefined;
  const splits = Object.entries(data?.splits ?? {})
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${esc(v)}</td></tr>`)
    .join("");
  return `<table>
<tr><td>rows</td><td class="num">${esc(data?.rows ?? "–")}</td></tr>
<tr><td>rejected (quarantined)</td><td class="num">${esc(data?.rejected ?? "–")} <span class="muted">limit ${fmt((data?.maxRejectedShare ?? 0) * 100, 1)}%</span></td></tr>
${splits}</table>`;
}

const METRICS: [string, (q: ModelQuality) => number][] = [
  ["AUC", (q) => q.auc],
  ["error (at 0.5)", (q) => q.error],
  ["precision (at 0.5)", (q) => q.precision],
  ["recall (at 0.5)", (q) => q.recall],
  ["F1", (q) => q.f1],
];

/** The candidate's test-split metrics beside the champion's, and the gate's verdict. */
function metricsSection(result: LocalRunResult): string {
  const { candidate, champion } = sidesOf(result);
  if (!candidate.quality) return `<p>not evaluated</p><p>${esc(result.gateSummary ?? "")}</p>`;
  const head = `<tr><th></th><th class="num">${esc(candidate.title)}</th>${champion ? `<th class="num">${esc(champion.title)}</th><th class="num">change</th>` : ""}</tr>`;
  const rows = METRICS.map(([name, read]) => {
    const mine = read(candidate.quality!);
    const theirs = champion?.quality ? read(champion.quality) : undefined;
    const change = theirs === undefined ? "–" : `${mine >= theirs ? "+" : ""}${fmt(mine - theirs)}`;
    return `<tr><td>${name}</td><td class="num">${fmt(mine)}</td>${champion ? `<td class="num">${fmt(theirs)}</td><td class="num">${change}</td>` : ""}</tr>`;
  }).join("");
  const note = champion
    ? champion.quality
      ? ""
      : `<p class="muted">${esc(champion.title)}'s model-quality report is not on this machine.</p>`
    : `<p class="muted">No champion: production served no model when the run started.</p>`;
  return `<table>${head}${rows}</table>${note}<p>${esc(result.gateSummary ?? "")}</p>`;
}

function confusionMatrix(title: string, cm: ModelQuality["confusion"]): string {
  return `<table class="cm"><caption>${esc(title)}</caption><tr><th></th><th>predicted 0</th><th>predicted 1</th></tr><tr><th>actual 0</th><td class="hit">${cm["0"]["0"]}</td><td class="miss">${cm["0"]["1"]}</td></tr><tr><th>actual 1</th><td class="miss">${cm["1"]["0"]}</td><td class="hit">${cm["1"]["1"]}</td></tr></table>`;
}

/** The candidate's and the champion's confusion matrices at 0.5, side by side. */
function confusionSection(result: LocalRunResult): string {
  const sides = Object.values(sidesOf(result)).filter((s): s is Side & { quality: ModelQuality } =>
    Boolean(s?.quality),
  );
  if (sides.length === 0) return "<p>–</p>";
  return `<div class="pair">${sides.map((s) => confusionMatrix(s.title, s.quality.confusion)).join("")}</div>`;
}

/** The ROC curves: the candidate's, and the champion's beneath it. */
function rocSection(result: LocalRunResult): string {
  const { candidate, champion } = sidesOf(result);
  if (!candidate.quality) return "<p>–</p>";
  return rocSvg([
    { title: candidate.title, quality: candidate.quality, color: "#2563eb" },
    ...(champion?.quality
      ? [{ title: champion.title, quality: champion.quality, color: "#6b7280", dash: true }]
      : []),
  ]);
}

function testsSection(report: LocalRunResult["testReport"]): string {
  if (!report) return "<p>not run</p>";
  const rows = report.results
    .filter((r) => !r.passed || r.kind !== "known-row")
    .map((r) => `<tr><td>${r.passed ? "✔" : "✘"}</td><td>${esc(r.name)}</td><td>${esc(r.detail)}</td></tr>`)
    .join("");
  const missed = report.results.filter((r) => r.kind === "known-row" && !r.passed).length;
  const why =
    report.passed && missed > 0
      ? `<p class="muted">${missed} known row(s) came back with the other class: the suite passes while known-row accuracy stays at or above its minimum and p95 latency within its budget (the test stack's mlops:testSuite.minAccuracy and latencyBudgetMs, below).</p>`
      : "";
  return `<p>${esc(report.summary)}</p>${why}<table>${rows}</table>`;
}

function driftSection(drift: LocalRunResult["drift"]): string {
  if (!drift) return "<p>not monitored</p>";
  const worst = [...drift.features]
    .sort((a, b) => b.distance - a.distance)
    .slice(0, 15)
    .map((f) => ({ label: f.feature, value: f.distance, flag: f.violation }));
  return `<p>${drift.violations.length} violation(s) over ${drift.features.length} features, ${drift.capturedRows} captured rows, threshold ${fmt(drift.threshold, 3)} (the larger of the constraints' threshold and the sample-size allowance).</p>${bars(worst)}`;
}

function trigger(result: LocalRunResult): string | undefined {
  const input = result.input;
  if (!input) return undefined;
  return input.triggerAlarm !== "none"
    ? `${input.triggerSource} (alarm ${input.triggerAlarm})`
    : input.triggerSource;
}

/** A serverless test endpoint runs without the features serverless endpoints lack; the report says so. */
function testEndpoint(result: LocalRunResult): string {
  const serverless = result.input?.endpoint.serverless;
  if (!result.endpoints.test || !serverless) return result.endpoints.test ?? "–";
  return `${result.endpoints.test} — serverless (${serverless.MemorySizeInMB} MB, up to ${serverless.MaxConcurrency} concurrent): no data capture, no network isolation`;
}

function dataLineage(result: LocalRunResult): string {
  const data = dataSetOf(result);
  return `${data.uri} (from ${data.source})`;
}

function lineageSection(result: LocalRunResult): string {
  const pkg = result.modelPackage;
  const lineage = [
    ["commit", `${result.commit.id}${result.commit.dirty ? " (uncommitted changes)" : ""}`],
    ["data", dataLineage(result)],
    ["run", result.runId],
    ["trigger", trigger(result)],
    ["training job", result.tuning?.best?.trainingJobName ?? result.input?.training.jobName],
    [
      "model package",
      pkg ? `${pkg.arn} (${pkg.status}${pkg.statusReason ? `: ${pkg.statusReason}` : ""})` : "–",
    ],
    ["test endpoint", testEndpoint(result)],
    ["prod endpoint", result.endpoints.prod ?? "–"],
    ["previous champion", result.previousChampion ? `version ${result.previousChampion.version}` : "none"],
  ];
  return `<table>${lineage.map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(v ?? "–")}</code></td></tr>`).join("")}</table>`;
}

export function writeReport(result: LocalRunResult): string {
  const sections = [
    section("Data", dataSection(result)),
    section("Test-split metrics: candidate and champion", metricsSection(result)),
    section("ROC curve", rocSection(result)),
    section("Confusion matrix", confusionSection(result)),
    section(
      "Feature importance (gain)",
      result.featureImportance
        ? bars(result.featureImportance.slice(0, 15).map((f) => ({ label: f.feature, value: f.gain })))
        : "<p>–</p>",
    ),
    ...(result.tuning ? [section("Hyperparameter tuning", tuningSection(result.tuning))] : []),
    section("Tests", testsSection(result.testReport)),
    section("Release (prod canary)", canarySection(result.canary)),
    section("Drift (captured prod traffic vs. training baseline)", driftSection(result.drift)),
    section("Lineage", lineageSection(result)),
    section(
      "Stages",
      bars(
        result.timings.map((t) => ({ label: t.stage, value: t.seconds })),
        " s",
      ),
    ),
  ];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML pipeline run ${esc(result.runId)}</title>
<style>${STYLE}</style></head><body>
<h1>ML pipeline run <code>${esc(result.runId)}</code></h1>
<p><span class="status" style="background:${statusColor(result.outcome)}">${esc(result.outcome)}</span> ${esc(result.message)}</p>
<div class="grid">
${sections.join("\n")}
</div></body></html>
`;
  const path = join(result.runDir, "report.html");
  writeFileSync(path, html);
  return path;
}
