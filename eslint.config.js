// The linter CI runs (npm run lint): ESLint's and typescript-eslint's
// recommended rules over the project's own code; generated code is left out.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "src/db/generated/", "client/gql/", "artifacts/", "dist/", "bench/results/", "patches/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", fetch: "readonly", Request: "readonly", Response: "readonly", performance: "readonly", AbortController: "readonly", TextDecoderStream: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", structuredClone: "readonly", queueMicrotask: "readonly", setImmediate: "readonly" } },
    rules: {
      // Unused names are mistakes, except the `_`-prefixed ones a signature needs.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests and the benchmark read GraphQL answers, which are untyped JSON;
    // src/ keeps `any` out (the few that bridge a library say why, inline).
    files: ["test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
