/**
 * Which files are this model's data sets: those under `data.stagingPrefix` (in any folder below it)
 * whose file name matches `data.filePattern`, by default the configured file's stem and anything after it
 * (`customer-churn.csv` → `customer-churn*.csv`), so two models that share a prefix (or a local
 * folder) never train on each other's data. The same rule serves the cloud's data and drift
 * triggers, the EventBridge rule in front of the first, and local watch mode.
 */

export interface DataSetSettings {
  stagingPrefix: string;
  fileName: string;
  filePattern?: string;
}

/**
 * A file-name glob whose only wildcard is `*`, as EventBridge's wildcard filter takes it, and
 * without two in a row (which EventBridge refuses): "You can use the wildcard character (*) to
 * match string values in event patterns"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 */
export const FILE_PATTERN = /^(?!.*\*\*)[^/?]+\.csv$/;

/** The settings of a function or component that is given the prefix and the resolved glob. */
export const dataSetsUnder = (stagingPrefix: string, filePattern: string): DataSetSettings => ({
  stagingPrefix,
  fileName: "",
  filePattern,
});

/** The file-name glob of this model's data sets. */
export function dataSetPattern(data: DataSetSettings): string {
  return data.filePattern ?? `${data.fileName.replace(/\.csv$/, "")}*.csv`;
}

/**
 * The object-key glob an EventBridge rule matches this model's data sets with: any folder under the
 * prefix, then the file-name glob (EventBridge's `*` also spans `/`, so the rule lets through a few
 * keys the function's own check then ignores, never fewer).
 */
export function dataSetKeyPattern(data: DataSetSettings): string {
  return `${data.stagingPrefix}*${dataSetPattern(data).replace(/^\*/, "")}`;
}

const escaped = (text: string) => text.replace(/[.+^${}()|[\]\\?]/g, "\\$&");

function globMatcher(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map(escaped).join("[^/]*")}$`);
}

/** The data sets in words, for messages: "files named customer-churn*.csv under datasets/". */
export function describeDataSets(data: DataSetSettings): string {
  return `files named ${dataSetPattern(data)} under ${data.stagingPrefix}`;
}

/** Whether a file name (no folder) is one of this model's data sets. */
export function isDataSetName(name: string, data: DataSetSettings): boolean {
  return globMatcher(dataSetPattern(data)).test(name);
}

/** Whether an object key is one of this model's data sets: under the prefix, by its file name. */
export function isDataSetKey(key: string, data: DataSetSettings): boolean {
  return key.startsWith(data.stagingPrefix) && isDataSetName(key.slice(key.lastIndexOf("/") + 1), data);
}
