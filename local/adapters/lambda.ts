import { handler as controller } from "../../functions/controller";
import type { LocalAccount } from "../aws/account";
import { actingAs } from "../aws/identity";
import type { TaskHandler } from "./types";

/**
 * `lambda:invoke`: the controller's own code, run as Lambda runs it, as the function's role (Lambda
 * assumes it for the function, as its trust policy allows), so every SDK call it makes reaches the
 * local services signed as that role.
 */
export function lambdaAdapters(account: LocalAccount): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::lambda:invoke": async (input) => {
      const name = String(input.FunctionName);
      const session = account.assume(
        account.functionRole(name),
        "lambda.amazonaws.com",
        name.split(":").pop()!,
      );
      return {
        StatusCode: 200,
        Payload: await actingAs(session, () => controller(input.Payload as Record<string, unknown>)),
      };
    },
  };
}
