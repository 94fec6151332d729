import type { Deployment } from "../../local/aws/deployment";

type Statement = Record<string, unknown>;

/**
 * The deployment as the program would declare it with one statement (by Sid) of a role's inline
 * policy removed: the role, by its logical name in the program, e.g. `mlops-controller-role`.
 */
export function withoutStatement(roleName: string, sid: string) {
  return changedStatements(roleName, sid, () => undefined);
}

/** The deployment with one action taken out of one statement (by Sid) of a role's inline policy. */
export function withoutAction(roleName: string, sid: string, action: string) {
  return changedStatements(roleName, sid, (statement) => {
    const actions = [statement.Action].flat().filter((a) => a !== action);
    if (actions.length === [statement.Action].flat().length)
      throw new Error(`${roleName}'s ${sid} does not allow ${action}`);
    return { ...statement, Action: actions };
  });
}

function changedStatements(
  roleName: string,
  sid: string,
  change: (statement: Statement) => Statement | undefined,
) {
  return (deployment: Deployment): Deployment => {
    const copy = structuredClone(deployment);
    const resources = [...copy.test.resources, ...copy.prod.resources];
    const role = resources.find((r) => r.type === "aws:iam/role:Role" && r.name === roleName);
    if (!role) throw new Error(`no role ${roleName} is deployed`);
    const policies = resources.filter(
      (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.wire?.state.name,
    );
    let changed = 0;
    for (const policy of policies) {
      const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] };
      const statements = doc.Statement.flatMap((s) => {
        if (s.Sid !== sid) return [s];
        changed++;
        const next = change(s);
        return next ? [next] : [];
      });
      policy.inputs.policy = JSON.stringify({ ...doc, Statement: statements });
    }
    if (changed === 0) throw new Error(`${roleName} has no statement ${sid}`);
    return copy;
  };
}

/** The deployment with the test stack's state machine definition changed. */
export function withDefinition(change: (definition: Record<string, Record<string, Statement>>) => void) {
  return (deployment: Deployment): Deployment => {
    const copy = structuredClone(deployment);
    const machine = copy.test.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine");
    if (!machine) throw new Error("no state machine is deployed");
    const definition = JSON.parse(String(machine.inputs.definition)) as Record<
      string,
      Record<string, Statement>
    >;
    change(definition);
    machine.inputs.definition = JSON.stringify(definition);
    return copy;
  };
}
