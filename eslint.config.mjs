import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".runs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
    files: ["local/start.js", ".mocharc.cjs", "tests/file-order.cjs", "tests/typecheck.cjs"],
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
  // The direction of dependency (docs/architecture.md): config ← functions ← infra ← local, policy.
  ...restrictImports(
    ["config/**/*.ts"],
    ["@pulumi/*", "**/functions/**", "**/infra/**", "**/local/**", "**/policy/**"],
    "config/ is the bottom layer: it imports nothing of the project's.",
  ),
  ...restrictImports(
    ["functions/**/*.ts"],
    ["@pulumi/*", "**/infra/**", "**/local/**", "**/policy/**"],
    "functions/ run in Lambda and in local mode: no Pulumi, no infra, local or policy.",
  ),
  ...restrictImports(
    ["infra/**/*.ts"],
    ["**/local/**", "**/policy/**"],
    "infra/ may use config/ and functions/, never local/ or policy/.",
  ),
  ...restrictImports(
    ["local/**/*.ts"],
    ["**/policy/**"],
    "local/ may use config/, functions/ and infra/'s pure builders.",
  ),
  ...restrictImports(
    ["policy/**/*.ts"],
    ["**/local/**"],
    "policy/ may use infra/'s offline harness, never local/.",
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
