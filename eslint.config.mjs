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
  {
    // Handlers run in Lambda and in local mode; Pulumi must never be pulled into them.
    files: ["functions/**/*.ts", "config/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@pulumi/*", "**/infra/**", "**/local/**"],
              message: "functions/ and config/ stay Pulumi-free.",
            },
          ],
        },
      ],
    },
  },
);
