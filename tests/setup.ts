// Test-process defaults: handlers log nothing and SDK clients have a region without any AWS setup.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.AWS_REGION ??= "us-west-2";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Each test file's wall time, for the order of the next run (tools/build/file-order.cjs). In parallel mode
// a worker runs one file per root suite; a serial run (one root for every file) records nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { recordFileTime } = require("../tools/build/file-order.cjs") as {
  recordFileTime: (file: string, ms: number) => void;
};
let fileStarted = 0;

export const mochaHooks = {
  beforeAll(): void {
    fileStarted = performance.now();
  },
  afterAll(this: Mocha.Context): void {
    const files = (this.test?.parent?.suites ?? []).map((suite) => suite.file).filter(Boolean);
    if (new Set(files).size === 1) recordFileTime(files[0]!, performance.now() - fileStarted);
  },
};
