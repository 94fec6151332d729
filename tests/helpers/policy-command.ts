import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { policyCommand } from "../../policy/evaluator/command";
import { offline } from "./offline";

const ROOT = join(__dirname, "..", "..");

/** The policy command in-process, its program runs shared with the other suites (offline()). */
export async function policy(...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await policyCommand(argv, (text) => (stdout += text), offline);
  return { code, stdout };
}

/** The CLI as a process (`npm run -s policy -- …`), for what only a process shows: exit codes, stderr. */
export function policyProcess(...argv: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(ROOT, "policy", "evaluator", "cli.ts"), ...argv],
    { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
