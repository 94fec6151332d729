import { reportAndExit } from "./cli-support";
import { previewCommand } from "./preview-command";

previewCommand(process.argv.slice(2), (text) => process.stdout.write(text)).catch(reportAndExit);
