import type { Stage } from "../run/context";
import { approval } from "./approval";
import { mlPipeline } from "./ml-pipeline";
import { monitoring } from "./monitoring";
import { prodRollout } from "./prod-rollout";
import { startServices } from "./services";
import { source } from "./source";
import { testStage } from "./test";

/** A local run, in the order the cloud pipeline runs it. */
export const STAGES: readonly Stage[] = [
  startServices,
  source,
  mlPipeline,
  testStage,
  approval,
  prodRollout,
  monitoring,
];
