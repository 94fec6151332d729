import { strict as assert } from "node:assert";
import { KEY_USE } from "../../infra/shared/service-principals";
import { SERVICE_KEY_USE } from "../../policy/aws-baseline/kms-grants";

/**
 * The key-grant rule's table (a pack cannot import the program) states the same facts as the
 * program's service-principals.ts, which the key-policy contract tests simulate with IAM's evaluator:
 * a rule demanding less would pass a key the services cannot use, one demanding more would fail ours.
 */
describe("contract: the key-grant rule needs what the program grants each service", () => {
  for (const user of ["alarms", "events", "logs"] as const) {
    it(`${user}: the same principal and actions`, () => {
      const rule = SERVICE_KEY_USE[user];
      const program = KEY_USE[user];
      assert.ok(rule.pattern.test(program.principal.replace("{region}", "us-west-2")), program.principal);
      assert.deepEqual([...rule.actions].sort(), [...program.actions].sort());
    });
  }
});
