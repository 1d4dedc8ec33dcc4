import { createYoga, useReadinessCheck } from "graphql-yoga";
import type { AppServices, Context } from "./context.js";
import { createContext } from "./context.js";
import type { Database } from "./db/client.js";
import { maskError } from "./errors.js";
import { useOperationLog } from "./plugins/operation-log.js";
import { useQueryLimits } from "./plugins/query-limits.js";
import { useRequestIdHeader } from "./plugins/request-id-header.js";
import { useUnitOfWork } from "./plugins/unit-of-work.js";
import { buildSchema } from "./schema/index.js";

const READINESS_TIMEOUT_MS = 1_000;

const EXAMPLE_QUERY = /* GraphQL */ `# Welcome to Inkwell. Press the run button to see the newest posts.
query NewestPosts {
  posts(first: 5) {
    edges {
      node {
        title
        slug
        excerpt
        publishedAt
        author { handle name }
        tags { name }
        commentCount
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

export interface YogaDeps {
  services: AppServices;
  database: Pick<Database, "ping">;
  production: boolean;
}

export function createYogaApp({ services, database, production }: YogaDeps) {
  return createYoga<Record<string, unknown>, Context>({
    schema: buildSchema(),
    context: (initial) => createContext(services, initial),
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: { title: "Inkwell GraphiQL", defaultQuery: EXAMPLE_QUERY },
    maskedErrors: { maskError },
    logging: {
      debug: (...args) => services.logger.debug(String(args[0]), { args: args.slice(1) }),
      info: (...args) => services.logger.info(String(args[0]), { args: args.slice(1) }),
      warn: (...args) => services.logger.warn(String(args[0]), { args: args.slice(1) }),
      error: (...args) => services.logger.error(String(args[0]), { args: args.slice(1) }),
    },
    plugins: [
      useRequestIdHeader(),
      useQueryLimits({ production }),
      useReadinessCheck({
        endpoint: "/readyz",
        check: () => database.ping(READINESS_TIMEOUT_MS).then(
          () => true,
          () => false,
        ),
      }),
      useUnitOfWork(),
      useOperationLog(),
    ],
  });
}

export type YogaApp = ReturnType<typeof createYogaApp>;
