import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".wrangler/", "dist/", "public/docs/vendor/", "worker-configuration.d.ts", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      eqeqeq: ["error", "smart"],
      "no-console": ["error", { allow: ["log", "warn", "error"] }],
    },
  },
  {
    // Routes are declared with defineRoute, which names their operationId.
    files: ["src/**/*.ts"],
    ignores: ["src/lib/openapi.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@hono/zod-openapi", importNames: ["createRoute"], message: "Use defineRoute from src/lib/openapi.ts." }] },
      ],
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } } },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs", "test/e2e/**/*.mjs", "public/**/*.js"],
    languageOptions: {
      globals: { console: "readonly", process: "readonly", window: "readonly", SwaggerUIBundle: "readonly", URL: "readonly", fetch: "readonly", setTimeout: "readonly", clearTimeout: "readonly", performance: "readonly", AbortController: "readonly", AbortSignal: "readonly" },
    },
  },
);
