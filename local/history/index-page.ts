import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COLUMNS, readRuns, type RunRecord } from "./records";

/** `.runs/index.html`: every run, a trend of the test metrics, and which version was champion when. */

const esc = (text: unknown) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const WIDTH = 720;
const HEIGHT = 220;
const PAD = 40;

/** A line per metric over the runs that have it; the y axis is 0 to 1. */
function trendChart(records: readonly RunRecord[]): string {
  const x = (i: number) => PAD + (records.length < 2 ? 0 : (i * (WIDTH - 2 * PAD)) / (records.length - 1));
  const y = (v: number) => HEIGHT - PAD + (PAD * 2 - HEIGHT) * v;
  const line = (metric: "testAuc" | "testError", color: string) => {
    const points = records.flatMap((r, i) =>
      r[metric] === undefined ? [] : [`${x(i).toFixed(1)},${y(r[metric]!).toFixed(1)}`],
    );
    const dots = points.map(
      (p) => `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="3" fill="${color}"/>`,
    );
    return `<polyline class="${metric}" points="${points.join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>${dots.join("")}`;
  };
  const champions = records
    .map(
      (r, i) =>
        `<text x="${x(i).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle" font-size="11">${r.champion === undefined ? "–" : `v${r.champion}`}</text>`,
    )
    .join("");
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${PAD}" x2="${WIDTH - PAD}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${PAD - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}</text>`,
    )
    .join("");
  return `<svg id="trend" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" role="img" aria-label="test AUC and test error by run">
${grid}${line("testAuc", "#2563eb")}${line("testError", "#dc2626")}${champions}
<text x="${WIDTH - PAD}" y="14" text-anchor="end" font-size="12"><tspan fill="#2563eb">test AUC</tspan> · <tspan fill="#dc2626">test error</tspan> · champion after each run below</text>
</svg>`;
}

function table(records: readonly RunRecord[]): string {
  const head = `<tr>${COLUMNS.map(([title]) => `<th>${esc(title)}</th>`).join("")}<th>report</th></tr>`;
  const rows = records
    .map(
      (r) =>
        `<tr class="run ${esc(r.outcome)}">${COLUMNS.map(([, cell]) => `<td>${esc(cell(r))}</td>`).join("")}<td><a href="${esc(r.report)}">report</a></td></tr>`,
    )
    .join("\n");
  return `<table id="runs">${head}\n${rows}</table>`;
}

export function renderIndex(records: readonly RunRecord[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML pipeline runs</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2937}
table{border-collapse:collapse;width:100%} td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
tr.released td:nth-child(10){color:#15803d} tr.failed td:nth-child(10),tr.rolled-back td:nth-child(10){color:#b91c1c}</style></head><body>
<h1>ML pipeline runs</h1>
<p>${records.length} run(s), newest last. Regenerated after each run; <code>npm run runs</code> prints the same table.</p>
${trendChart(records)}
${table(records)}
</body></html>
`;
}

/** Rewrites the index of a runs folder; returns its path. */
export function writeRunIndex(runsRoot: string): string {
  const path = join(runsRoot, "index.html");
  writeFileSync(path, renderIndex(readRuns(runsRoot)));
  return path;
}
