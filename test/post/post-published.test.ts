import { describe, expect, it } from "vitest";
import { usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { subscribe } from "../support/subscriptions.js";
import { useTestApp } from "../support/test-app.js";

const POST_PUBLISHED = `subscription Published($author: ID, $tag: String) {
  postPublished(author: $author, tag: $tag) { id title status author { handle } tags { name } }
}`;

interface Published {
  postPublished: { id: string; title: string; status: string; author: { handle: string }; tags: { name: string }[] };
}

describe.each(testDatabaseKinds)("postPublished on %s", (kind) => {
  const app = useTestApp(kind);

  it("delivers each post as it is published, filtered by author and tag, and nothing for drafts", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const other = await signUp(t);
    const tag = unique("t").slice(0, 20);
    const everything = await subscribe<Published>(t, POST_PUBLISHED);
    const byWriter = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: writer.id } });
    const tagged = await subscribe<Published>(t, POST_PUBLISHED, { variables: { tag: tag.toUpperCase() } });
    await createPost(t, writer, { publish: false, title: "Still a draft" });
    const plain = await createPost(t, writer, { title: "Plain" });
    const withTag = await createPost(t, other, { title: "Tagged", tags: [tag] });
    const all = [await everything.next(), await everything.next()].map((event) => event.data!.postPublished);
    expect(all.map((post) => [post.id, post.title, post.status])).toEqual([
      [plain.id, "Plain", "PUBLISHED"],
      [withTag.id, "Tagged", "PUBLISHED"],
    ]);
    expect(all[1]!.tags.map((found) => found.name)).toEqual([tag]);
    expect((await byWriter.next()).data!.postPublished.id).toBe(plain.id);
    expect((await tagged.next()).data!.postPublished.id).toBe(withTag.id);
    expect(await everything.collect(200)).toEqual([]);
    expect(await byWriter.collect(0)).toEqual([]);
    expect(await tagged.collect(0)).toEqual([]);
    for (const stream of [everything, byWriter, tagged]) stream.close();
  });

  it("delivers the posts an admin publishes in bulk, and an import's published items only", async () => {
    const t = app.current;
    const [admin, writer] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { handle: admin!.handle }, data: { role: "ADMIN" } });
    const stream = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: writer!.id } });
    const drafts = [await createPost(t, writer!, { publish: false }), await createPost(t, writer!, { publish: false })];
    const bulk = await t.graphql(`mutation Publish($ids: [ID!]!) { publishPosts(ids: $ids) { affectedCount } }`, {
      token: admin!.token,
      variables: { ids: drafts.map((post) => post.id) },
    });
    expectNoErrors(bulk);
    const delivered = [await stream.next(), await stream.next()].map((event) => event.data!.postPublished.id).sort();
    expect(delivered).toEqual(drafts.map((post) => post.id).sort());
    const imported = await t.graphql<{ importPosts: { results: { post: { id: string } | null; error: { code: string } | null }[] } }>(
      `mutation Import($input: ImportPostsInput!) { importPosts(input: $input) { results { post { id } error { code } } } }`,
      {
        token: writer!.token,
        variables: {
          input: {
            posts: [
              { title: "Imported and published", body: "Words.", publish: true },
              { title: "Bad slug", body: "Words.", slug: "Not A Slug!", publish: true },
              { title: "Imported draft", body: "Words." },
            ],
          },
        },
      },
    );
    expectNoErrors(imported);
    const [published, failed] = imported.body.data!.importPosts.results;
    expect(failed!.error).not.toBeNull();
    expect((await stream.next()).data!.postPublished.id).toBe(published!.post!.id);
    expect(await stream.collect(200)).toEqual([]);
    stream.close();
  });

  it("refuses a malformed author id as bad input", async () => {
    const stream = await subscribe(app.current, POST_PUBLISHED, { variables: { author: "not-an-id" } });
    expect((await stream.next()).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "author" });
  });
});
