import { existsSync } from "node:fs";
import { LocalUsageError } from "./types";

/**
 * A file a run reads that is not there, named with the flag that gives another: the data file and
 * the ML config get the same message.
 */
export function requireFile(path: string, what: "the data file" | "the ML pipeline config"): void {
  if (existsSync(path)) return;
  const flag = what === "the data file" ? "--data" : "--config";
  throw new LocalUsageError(`Cannot read ${what} ${path}: it does not exist (give another with ${flag})`);
}
