import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { PACK_DIRS, POLICY_DIR, sharedCopies } from "./shared-copies";

/** `npm run policy:build`: each pack's lib/ copies of policy/shared, and policy/README.md. */
async function main(): Promise<void> {
  for (const pack of PACK_DIRS) {
    const lib = join(POLICY_DIR, pack, "lib");
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(lib);
    for (const [file, content] of sharedCopies(pack)) writeFileSync(join(lib, file), content);
    console.log(`policy/${pack}/lib: ${readdirSync(lib).join(", ")}`);
  }
  // The README reads the packs, which need their lib/ first.
  const { policyReadme } = await import("./readme");
  const readme = await format(policyReadme(), { parser: "markdown", printWidth: 110 });
  writeFileSync(join(POLICY_DIR, "README.md"), readme);
  console.log("wrote policy/README.md");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
