import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const sfnLogging = resourceRule(
  {
    name: "aws-sfn-state-machine-logging",
    description: "State machines log every event with its execution data.",
    severity: "medium",
    remediation: "Set loggingConfiguration { level: ALL, includeExecutionData: true, logDestination }.",
    externalIds: ["CKV_AWS_285", "step-functions-state-machine-logging-enabled"],
  },
  aws.sfn.StateMachine,
  (props, _args, report) => {
    const logging = props.loggingConfiguration;
    if (!logging?.logDestination || logging.level !== "ALL" || logging.includeExecutionData !== true) {
      report("The state machine does not log all events with execution data.");
    }
  },
);
