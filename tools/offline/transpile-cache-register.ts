import { keepTranspiledModules } from "./transpile-cache";

// Loaded by ts-node itself (tsconfig.json, `ts-node.require`) right after it registers.
keepTranspiledModules();
