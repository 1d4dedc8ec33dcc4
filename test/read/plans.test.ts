import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * A list's plan is kept with the document (src/read/plans.ts), and
 * made again per request when a variable below the list can change what
 * its nodes select. Either way the nodes come back complete, in one
 * statement.
 */
describe.each(testDatabaseKinds)("list plans kept with the document on %s", (kind) => {
  const app = useTestApp(kind);
  let handle: string;

  beforeAll(async () => {
    const author = await signUp(app.current);
    handle = author.handle;
    await createPost(app.current, author, { title: "With a body", body: "The body itself." });
  });

  const query = `query($h: String!, $withBody: Boolean!) { user(handle: $h) { posts(first: 1) {
    edges { node { title body @include(if: $withBody) } } } } }`;

  it("answers a variable-dependent selection as each request asks, again and again", async () => {
    for (const withBody of [false, true, false, true]) {
      const response = await app.current.graphql(query, { variables: { h: handle, withBody } });
      expectNoErrors(response);
      const node = response.body.data!.user.posts.edges[0].node;
      expect(node).toEqual(withBody ? { title: "With a body", body: "The body itself." } : { title: "With a body" });
      expect(response.statements).toHaveLength(1); // the user with the page joined to it, and what the page needs
    }
  });

  it("reuses a constant selection's plan across requests without losing fields", async () => {
    const constant = `query($h: String!) { user(handle: $h) { posts(first: 1) { edges { node { title body author { handle } } } } } }`;
    for (let i = 0; i < 3; i += 1) {
      const response = await app.current.graphql(constant, { variables: { h: handle } });
      expectNoErrors(response);
      expect(response.body.data!.user.posts.edges[0].node).toEqual({ title: "With a body", body: "The body itself.", author: { handle } });
      expect(response.statements).toHaveLength(1);
    }
  });
});
