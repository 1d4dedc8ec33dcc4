import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

const IMPORT = `mutation Import($input: ImportPostsInput!) {
  importPosts(input: $input) { importedCount failedCount results { index post { title slug status } error { code field } } }
}`;

describe.each(testDatabaseKinds)("importPosts on %s", (kind) => {
  const app = useTestApp(kind);

  it("puts each item in a savepoint: two bad items roll back alone, three posts stay, in order", async () => {
    const t = app.current;
    const author = await signUp(t);
    const taken = await createPost(t, author);
    const fresh = unique("kept-slug-");
    const response = await t.graphql(IMPORT, {
      token: author.token,
      variables: {
        input: {
          posts: [
            { title: "First", body: "One." },
            { title: "Taken", body: "Two.", slug: taken.slug }, // a unique violation
            { title: "Third", body: "Three.", slug: fresh, publish: true, tags: ["imported"] },
            { title: "Bad slug", body: "Four.", slug: "Not a slug!" }, // a check violation
            { title: "Fifth", body: "Five." },
          ],
        },
      },
    });
    expectNoErrors(response);
    expect(response.body.data!.importPosts).toMatchObject({
      importedCount: 3,
      failedCount: 2,
      results: [
        { index: 0, post: { title: "First", status: "DRAFT" }, error: null },
        { index: 1, post: null, error: { code: "CONFLICT", field: "input.posts.1.slug" } },
        { index: 2, post: { title: "Third", slug: fresh, status: "PUBLISHED" }, error: null },
        { index: 3, post: null, error: { code: "BAD_USER_INPUT", field: "input.posts.3.slug" } },
        { index: 4, post: { title: "Fifth", status: "DRAFT" }, error: null },
      ],
    });
    const prisma = t.app.database.prisma;
    const titles = (await prisma.post.findMany({ where: { author: { handle: author.handle } }, orderBy: { id: "asc" }, select: { title: true } })).map((p) => p.title);
    expect(titles.slice(1)).toEqual(["First", "Third", "Fifth"]);
    const control = response.statements.filter((sql) => /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(sql)).map((sql) => sql.replace(/prisma_sp_\d+/, "sp"));
    expect(control).toEqual([
      "BEGIN",
      ...["SAVEPOINT sp", "RELEASE SAVEPOINT sp"],
      ...["SAVEPOINT sp", "ROLLBACK TO SAVEPOINT sp", "RELEASE SAVEPOINT sp"],
      ...["SAVEPOINT sp", "RELEASE SAVEPOINT sp"],
      ...["SAVEPOINT sp", "ROLLBACK TO SAVEPOINT sp", "RELEASE SAVEPOINT sp"],
      ...["SAVEPOINT sp", "RELEASE SAVEPOINT sp"],
      "COMMIT",
    ]);
  });

  it("keeps nothing when the operation fails outside the items", async () => {
    const t = app.current;
    const author = await signUp(t);
    const title = unique("Never kept ");
    const response = await t.graphql(
      `mutation($input: ImportPostsInput!) { importPosts(input: $input) { importedCount } publishPost(id: "nonsense") { id } }`,
      { token: author.token, variables: { input: { posts: [{ title, body: "x" }, { title, body: "y" }] } } },
    );
    expect(response.body.data).toBeNull();
    expect(response.statements.at(-1)).toBe("ROLLBACK");
    expect(await t.app.database.prisma.post.count({ where: { title } })).toBe(0);
  });

  it("refuses more than 100 items before it writes anything", async () => {
    const t = app.current;
    const author = await signUp(t);
    const posts = Array.from({ length: 101 }, (_, i) => ({ title: `T${i}`, body: "b" }));
    const response = await t.graphql(IMPORT, { token: author.token, variables: { input: { posts } } });
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.posts" } }]);
    // Only the acting account's read, which every signed-in mutation makes first, was sent, and rolled back.
    expect(response.statements).toEqual(["BEGIN", expect.stringMatching(/FOR SHARE$/), "ROLLBACK"]);
  });
});
