// The pack the Pulumi CLI loads (`pulumi preview --policy-pack policy/aws-baseline`).
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: "advisory" });
