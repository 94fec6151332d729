import * as aws from "../lib/aws";
import { resourceRule } from "../lib/rule";

export const sfnTracing = resourceRule(
  {
    name: "aws-sfn-state-machine-tracing",
    description: "State machines send X-Ray traces.",
    severity: "low",
    remediation: "Set tracingConfiguration { enabled: true }.",
    externalIds: ["CKV_AWS_284"],
  },
  aws.sfn.StateMachine,
  (props, _args, report) => {
    if (props.tracingConfiguration?.enabled !== true) report("The state machine is not traced.");
  },
);
