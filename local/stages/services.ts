import { startApi } from "../api-server";
import { useLocalServices } from "../clients";
import type { Stage } from "../run-context";
import { inProcessRuntime } from "../runtime-server";
import { startS3 } from "../s3-server";
import { startSageMaker } from "../sagemaker-server";

/** Local stand-ins for the AWS APIs the handlers call, on free loopback ports. */
export const startServices: Stage = {
  name: "start local services",
  async run(ctx) {
    const [s3, sagemaker, api] = await Promise.all([
      startS3(ctx.world),
      startSageMaker(ctx.world),
      startApi(),
    ]);
    useLocalServices({ s3: s3.url, sagemaker: sagemaker.url, runtime: inProcessRuntime(ctx.hosting) });
    ctx.api = api;
    return "continue";
  },
};
