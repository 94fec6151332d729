import type { LocalRunResult } from "../run/types";

const esc = (text: unknown) =>
  String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The hyperparameter search: every trial with its hyperparameters and objective, the winner marked. */
export function tuningSection(tuning: LocalRunResult["tuning"]): string {
  if (!tuning) return "";
  const names = [...new Set(tuning.trials.flatMap((t) => Object.keys(t.hyperparameters)))];
  const head = `<tr><th>trial</th>${names.map((n) => `<th class="num">${esc(n)}</th>`).join("")}<th class="num">${esc(tuning.objective.MetricName)}</th></tr>`;
  const rows = tuning.trials
    .map((trial) => {
      const winner = trial.trainingJobName === tuning.best?.trainingJobName;
      const objective =
        trial.objective === undefined ? esc(trial.failureReason ?? "failed") : trial.objective.toFixed(4);
      return `<tr${winner ? ' class="winner"' : ""}><td><code>${esc(trial.trainingJobName.slice(-12))}</code>${winner ? " ★" : ""}</td>${names
        .map((n) => `<td class="num">${esc(trial.hyperparameters[n] ?? "")}</td>`)
        .join("")}<td class="num">${objective}</td></tr>`;
    })
    .join("");
  const best = tuning.best
    ? `Best of ${tuning.trials.length} trials (${tuning.objective.Type.toLowerCase()} ${esc(tuning.objective.MetricName)} on the validation split): <code>${esc(tuning.best.trainingJobName)}</code>, ${tuning.best.objective?.toFixed(4)}. The gate still judges it on the held-out test split.`
    : `No trial of ${tuning.trials.length} completed.`;
  return `<p>${best}</p><table>${head}${rows}</table>`;
}
