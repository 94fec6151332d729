import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".runs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Promises with type information: a child process, socket or server whose failure nobody awaits
  // is how a run crashes (an EPIPE on Ctrl-C, for one), so floating and misused promises are errors.
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "no-console": "off",
    },
  },
  // Plain-Node CommonJS files: npm start's launcher (it is what makes TypeScript loadable) and mocha's config.
  {
    files: ["local/start.js", ".mocharc.cjs", "tools/build/file-order.cjs", "tools/build/typecheck.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // The script that vendors AWS's API models (an ES module run by hand with Node).
  {
    files: ["local/aws/api-models/vendor.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  // The direction of dependency (docs/architecture.md):
  // config ← functions ← infra ← tools ← local, policy ← tools/bench.
  ...restrictImports(
    ["config/**/*.ts"],
    ["@pulumi/*", "**/functions/**", "**/infra/**", "**/tools/**", "**/local/**", "**/policy/**"],
    "config/ is the bottom layer: it imports nothing of the project's.",
  ),
  ...restrictImports(
    ["functions/**/*.ts"],
    ["@pulumi/*", "**/infra/**", "**/tools/**", "**/local/**", "**/policy/**"],
    "functions/ run in Lambda and in local mode: no Pulumi, no infra, tools, local or policy.",
  ),
  ...restrictImports(
    ["infra/**/*.ts"],
    ["**/tools/**", "**/local/**", "**/policy/**"],
    "infra/ is the Pulumi program: it may use config/ and functions/, never the tooling, local/ or policy/.",
  ),
  ...restrictImports(
    ["tools/**/*.ts"],
    ["**/local/**", "**/policy/**"],
    "tools/ runs the program offline and serves the CLIs: it may use infra/, functions/ and config/.",
  ),
  // The bench measures everything, so it alone may use local/ and policy/.
  { files: ["tools/bench/**/*.ts"], rules: { "no-restricted-imports": "off" } },
  ...restrictImports(
    ["local/**/*.ts"],
    ["**/policy/**", "**/tools/bench/**", "**/tools/cli/**", "**/tools/docs/**"],
    "local/ may use config/, functions/, infra/'s pure builders and tools/offline (the offline deployment).",
  ),
  ...restrictImports(
    ["policy/**/*.ts"],
    ["**/local/**", "**/tools/bench/**", "**/tools/docs/**"],
    "policy/ may use tools/offline (the offline harness) and tools/cli's helpers, never local/.",
    // The CLI type-checks a pack as it loads it; the index drags every service into that check.
    [{ name: "@pulumi/aws", message: "import the service's module through lib/aws (policy/shared/aws.ts)." }],
  ),
);

/** A no-restricted-imports rule for the files of one layer. */
function restrictImports(files, group, message, paths = []) {
  return [
    { files, rules: { "no-restricted-imports": ["error", { paths, patterns: [{ group, message }] }] } },
  ];
}
