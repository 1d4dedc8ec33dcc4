/**
 * Inkwell's typed SDK: the documents and result types that `npm run
 * codegen` generates (client/gql/), and a client for them built on urql's
 * core, which runs the same in a browser and in Node, reads `@defer` and
 * `@stream` answers, receives subscriptions as server-sent events, and
 * speaks trusted documents through its persisted exchange.
 *
 *   const inkwell = createInkwellClient({ url: "http://localhost:4000/graphql" });
 *   const { data, error } = await inkwell.query(FeedDocument, { first: 5 }).toPromise();
 *   data?.posts.edges[0]?.node.title; // string, typed from the operation
 *
 *   inkwell.subscription(CommentAddedDocument, { postId, after: endCursor }).subscribe(({ data }) => {
 *     data?.commentAdded.node.body; // each new comment, typed
 *   });
 */
import { cacheExchange, Client, fetchExchange, type Exchange } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";

export * from "./gql/graphql.js";

export interface InkwellClientOptions {
  /** The GraphQL endpoint, like `http://localhost:4000/graphql`. */
  url: string;
  /** The bearer token (from signUp or logIn), read for every request; absent when signed out. */
  token?: () => string | null | undefined;
  /**
   * Send documents by id (their sha256 from the manifest) instead of their
   * text, for servers with TRUSTED_DOCUMENTS=only. Queries go as GET when
   * the URL stays short, which CDNs can cache.
   */
  trustedDocuments?: boolean;
  /** Cache results by document and variables (urql's document cache); on by default. */
  cache?: boolean;
  /** A fetch of your own (tests, Node without a global fetch, instrumentation). */
  fetch?: typeof fetch;
}

/** The hash codegen stored on each document (`__meta__.hash`), as the hex Apollo's protocol wants. */
async function manifestHash(_query: string, document: unknown): Promise<string | null> {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  return hash ? hash.replace(/^sha256:/, "") : null;
}

export function createInkwellClient(options: InkwellClientOptions): Client {
  const exchanges: Exchange[] = [];
  if (options.cache ?? true) exchanges.push(cacheExchange);
  if (options.trustedDocuments) {
    exchanges.push(persistedExchange({ enforcePersistedQueries: true, enableForMutation: true, enableForSubscriptions: true, generateHash: manifestHash }));
  }
  exchanges.push(fetchExchange);
  return new Client({
    url: options.url,
    exchanges,
    // Subscriptions go over fetch as server-sent events, as the server serves them: no WebSocket.
    fetchSubscriptions: true,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    fetchOptions: () => {
      const token = options.token?.();
      return token ? { headers: { authorization: `Bearer ${token}` } } : {};
    },
  });
}
