import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { CapturedResource } from "../../tools/offline/harness";
import { auditIam } from "../helpers/iam-audit";
import { offline } from "../helpers/offline";

const policyResource = (name: string, statement: Record<string, unknown>): CapturedResource => ({
  urn: `urn:pulumi:test::mlops::aws:iam/rolePolicy:RolePolicy::${name}`,
  type: "aws:iam/rolePolicy:RolePolicy",
  name,
  custom: true,
  inputs: {
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }),
  },
});

describe("least-privilege IAM", () => {
  describe("the audit itself", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["a full wildcard", { Action: "*", Resource: "arn:aws:s3:::b" }, /wildcard action \*/],
      [
        "a service wildcard",
        { Action: ["states:*"], Resource: "arn:aws:states:::x" },
        /wildcard action states:\*/,
      ],
      [
        "PassRole without a condition",
        { Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/r" },
        /without an iam:PassedToService/,
      ],
      [
        "PassRole on every role",
        {
          Action: "iam:PassRole",
          Resource: "*",
          Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
        },
        /PassRole on every role/,
      ],
      [
        "an action on every resource",
        { Action: "s3:GetObject", Resource: "*" },
        /s3:GetObject on every resource/,
      ],
    ];
    for (const [what, statement, expected] of cases) {
      it(`flags ${what}`, () => {
        const findings = auditIam([policyResource("bad", statement)]);
        assert.ok(
          findings.some((f) => expected.test(f.problem)),
          JSON.stringify(findings),
        );
      });
    }

    it("flags a FullAccess managed policy and passes a scoped statement", () => {
      const role: CapturedResource = {
        urn: "u",
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "attach",
        custom: true,
        inputs: { policyArn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" },
      };
      assert.equal(auditIam([role]).length, 1);
      assert.deepEqual(
        auditIam([policyResource("ok", { Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })]),
        [],
      );
    });
  });

  for (const [label, options] of [
    ["test stack", { stack: "test" }],
    ["prod stack", { stack: "prod" }],
    [
      "backbone with stage functions",
      { stack: "test", program: join(__dirname, "..", "fixtures", "backbone-with-stages.ts") },
    ],
  ] as const) {
    it(`${label}: every captured policy passes`, async () => {
      const run = await offline(options);
      const withPolicies = run.resources.filter(
        (r) => "policy" in r.inputs || "assumeRolePolicy" in r.inputs,
      );
      if (options.stack === "test")
        assert.ok(withPolicies.length >= 10, `only ${withPolicies.length} policies seen`);
      assert.deepEqual(auditIam(run.resources), []);
    });
  }
});
