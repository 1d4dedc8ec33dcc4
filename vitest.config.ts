import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM copies; one realm for the whole suite avoids
    // "Cannot use GraphQLSchema from another module or realm".
    alias: { graphql: "graphql/index.js" },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The fault tests run a PostgreSQL cluster of their own and kill it:
    // `npm run test:faults`, not `npm test`.
    exclude: process.env.FAULT_TESTS ? [] : ["test/faults/**"],
    globalSetup: ["test/support/global-setup.ts"],
    // Each file opens its own databases; PGlite's WASM start and argon2 are
    // CPU-bound, so keep to the machine's two cores.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test" },
  },
});
