import { handler as controller } from "../../functions/controller";
import type { TaskHandler } from "./types";

/** `lambda:invoke`: the controller's own code, its SDK clients pointed at the local S3 and SageMaker. */
export function lambdaAdapters(): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::lambda:invoke": async (input) => ({
      StatusCode: 200,
      Payload: await controller(input.Payload as Record<string, unknown>),
    }),
  };
}
