import { basename } from "node:path";
import type { LocalRunResult } from "./types";

/**
 * The data set a run trained on, in the one form the report, the summary and the history show it
 * (the form the package's metadata and the run input hold): the staged object, and the local file
 * it was uploaded from.
 */
export interface RunDataSet {
  /** `s3://<staging bucket>/<key>`, as the run input's `data.rawUri` and the package's `dataUri`. */
  uri: string;
  /** The object's key in the staging bucket (`datasets/customer-churn.csv`). */
  key: string;
  /** The local file that was staged. */
  source: string;
}

export function dataSetOf(result: Pick<LocalRunResult, "input" | "dataPath" | "dataUri">): RunDataSet {
  const uri = result.dataUri ?? result.input?.data.rawUri;
  if (!uri)
    return { uri: basename(result.dataPath), key: basename(result.dataPath), source: result.dataPath };
  return { uri, key: uri.replace(/^s3:\/\/[^/]+\//, ""), source: result.dataPath };
}
