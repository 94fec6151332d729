import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { PACK_DIRS, POLICY_DIR, sharedCopies } from "./shared-copies";

/** `npm run policy:build`: each pack's lib/ copies of policy/shared, policy/README.md and each pack's README.md. */
async function main(): Promise<void> {
  for (const pack of PACK_DIRS) {
    const lib = join(POLICY_DIR, pack, "lib");
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(lib);
    for (const [file, content] of sharedCopies(pack)) writeFileSync(join(lib, file), content);
    console.log(`policy/${pack}/lib: ${readdirSync(lib).join(", ")}`);
  }
  // The README reads the packs, which need their lib/ first.
  const { PACKS } = await import("./evaluator/evaluate");
  const { packReadme, policyReadme } = await import("./readme");
  const markdown = (text: string) => format(text, { parser: "markdown", printWidth: 110 });
  writeFileSync(join(POLICY_DIR, "README.md"), await markdown(policyReadme()));
  for (const pack of PACKS) writeFileSync(join(pack.dir, "README.md"), await markdown(packReadme(pack)));
  console.log("wrote policy/README.md and each pack's README.md");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
