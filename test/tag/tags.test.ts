import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

describe.each(testDatabaseKinds)("tags on %s", (kind) => {
  const app = useTestApp(kind);

  it("lists tags by name with their published posts and counts", async () => {
    const author = await signUp(app.current);
    const tag = unique("aaa");
    const published = await createPost(app.current, author, { tags: [tag] });
    await createPost(app.current, author, { tags: [tag], publish: false });
    const response = await app.current.graphql(`{ tags(first: 100) { edges { node { name postCount posts(first: 5) { edges { node { slug } } } } } } }`);
    expectNoErrors(response);
    const names = response.body.data!.tags.edges.map((edge: any) => edge.node.name);
    expect(names).toEqual([...names].sort());
    const ours = response.body.data!.tags.edges.find((edge: any) => edge.node.name === tag).node;
    expect(ours).toEqual({ name: tag, postCount: 1, posts: { edges: [{ node: { slug: published.slug } }] } });
  });
});
