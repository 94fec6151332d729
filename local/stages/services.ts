import { startApi } from "../aws/api-server";
import { loggingRefused } from "../aws/api-gateway";
import { useLocalServices } from "../aws/clients";
import { inProcessRuntime } from "../aws/runtime-server";
import { startS3 } from "../aws/s3-server";
import { startSageMaker } from "../aws/sagemaker-server";
import type { Stage } from "../run/context";

/** Local stand-ins for the AWS APIs the handlers call, on free loopback ports. */
export const startServices: Stage = {
  name: "start local services",
  async run(ctx) {
    // The stacks' APIs, as API Gateway would set them up in this account and region.
    const { test, prod } = ctx.account.deployment;
    const refused = loggingRefused([...test.resources, ...prod.resources]);
    if (refused.length > 0) throw new Error(`API Gateway refuses the stacks' stages: ${refused.join("; ")}`);
    const [s3, sagemaker, api] = await Promise.all([
      startS3(ctx.world, ctx.account),
      startSageMaker(ctx.world, ctx.account, ctx.sageMaker),
      startApi(ctx.account),
    ]);
    useLocalServices({
      s3: s3.url,
      sagemaker: sagemaker.url,
      runtime: inProcessRuntime(ctx.hosting, ctx.account),
    });
    ctx.api = api;
    return "continue";
  },
};
