import path from "node:path";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import type { DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import { FeedDocument, SignUpDocument } from "../../client/index.js";
import { useTestApp } from "../support/test-app.js";

const MANIFEST = path.resolve("client/gql/persisted-documents.json");

/**
 * Apollo Client, set up the way GraphQL Code Generator's client preset
 * documents for trusted documents: its normalising cache and its
 * persisted-query link, whose hash is the one codegen stored on each
 * document. Against a server that runs nothing but the manifest, every
 * operation must go by id, the first time.
 */
describe("Apollo Client with trusted documents", () => {
  const app = useTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "only", TRUSTED_DOCUMENTS_MANIFEST: MANIFEST } });

  it("sends the manifest's ids, never a document, and gets typed answers its cache can normalise", async () => {
    const sent: Record<string, unknown>[] = [];
    const http = new HttpLink({
      uri: "http://inkwell.test/graphql",
      fetch: async (input, init) => {
        sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
        return app.current.app.yoga.fetch(new URL(String(input)), init ?? {});
      },
    });
    const persisted = new PersistedQueryLink({
      generateHash: (document: DocumentNode) => (document as DocumentNode & { __meta__: { hash: string } }).__meta__.hash,
    });
    const client = new ApolloClient({ link: ApolloLink.from([persisted, http]), cache: new InMemoryCache() });

    const handle = "apollo_writer";
    const signedUp = await client.mutate({
      mutation: SignUpDocument,
      variables: { input: { email: `${handle}@example.com`, handle, name: "Apollo", password: "correct horse battery" } },
    });
    expect(signedUp.error).toBeUndefined();
    expect(signedUp.data?.signUp.user).toMatchObject({ __typename: "User", handle, email: `${handle}@example.com` });

    const feed = await client.query({ query: FeedDocument, variables: { first: 2 } });
    expect(feed.error).toBeUndefined();
    expect(feed.data?.posts).toMatchObject({ __typename: "PostConnection", edges: [] });

    // Two operations, two requests, each by id alone: no retry with the text.
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body.query).toBeUndefined();
      expect(body.extensions).toMatchObject({ persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    }
  });
});
