import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Every file under a folder, at any depth, in a stable order; none when the folder is missing. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
