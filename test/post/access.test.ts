import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../src/auth/tokens.js";
import { Prisma, type PostStatus } from "../../src/db/generated/prisma/client.js";
import {
  isPostVisible,
  visiblePostCountOfAuthor,
  visiblePostCountOfAuthorSql,
  visiblePostSql,
  visiblePosts,
  visiblePostsOfAuthorSql,
} from "../../src/schema/post/access.js";
import { tagVisibility, visibleTagSql } from "../../src/schema/tag/access.js";
import { testDatabaseKinds } from "../support/databases.js";
import { unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * The post visibility rule is one decision (postVisibility) with six forms:
 * a Prisma filter, SQL over a posts row, a check of a row in memory, the
 * branches of an author's list, and an author's count from their stored
 * counts, in memory and as SQL; the tag rule follows it as a Prisma
 * filter and as SQL. Over posts of every status by every kind of author,
 * seen by every kind of viewer, each form picks exactly the same rows.
 */
describe.each(testDatabaseKinds)("one access rule per domain, in every form, on %s", (kind) => {
  const app = useTestApp(kind);
  const authors: number[] = [];
  const tags: number[] = [];
  const posts: { id: number; authorId: number; status: PostStatus }[] = [];
  const viewers: [string, Viewer | null][] = [];

  beforeAll(async () => {
    const { prisma } = app.current.app.database;
    for (const role of ["USER", "USER", "ADMIN"] as const) {
      const handle = unique("rule");
      const user = await prisma.user.create({ data: { email: `${handle}@example.com`, handle, name: handle, passwordHash: "x", role } });
      authors.push(user.id);
    }
    // Each author has a draft and a published post; tags on drafts only, on published only, on both, and on one author's draft.
    for (const authorId of authors) {
      for (const status of ["DRAFT", "PUBLISHED"] as const) {
        const slug = unique("rule-post");
        const post = await prisma.post.create({
          data: { authorId, title: slug, slug, body: "b", status, publishedAt: status === "PUBLISHED" ? new Date() : null },
        });
        posts.push({ id: post.id, authorId, status });
      }
    }
    const tagOn = async (postIds: number[]) => {
      const tag = await prisma.tag.create({ data: { name: unique("rule-tag") } });
      for (const postId of postIds) await prisma.postTag.create({ data: { postId, tagId: tag.id } });
      tags.push(tag.id);
    };
    const drafts = posts.filter((post) => post.status === "DRAFT").map((post) => post.id);
    const published = posts.filter((post) => post.status === "PUBLISHED").map((post) => post.id);
    await tagOn(drafts);
    await tagOn(published);
    await tagOn([drafts[0]!, published[1]!]);
    await tagOn([drafts[1]!]);
    viewers.push(["signed out", null], ["first author", { id: authors[0]!, role: "USER" }], ["second author", { id: authors[1]!, role: "USER" }]);
    viewers.push(["an admin", { id: authors[2]!, role: "ADMIN" }], ["a reader with no posts", { id: 2_000_000_000, role: "USER" }]);
  });

  const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

  it("picks the same posts as a Prisma filter, as SQL, in memory and as an author's branches, and counts them from the stored counts", async () => {
    const { prisma, sql } = app.current.app.database;
    const ours = Prisma.sql`"x"."author_id" = ANY(${authors}::int[])`;
    for (const [name, viewer] of viewers) {
      for (const status of [undefined, "DRAFT", "PUBLISHED"] as const) {
        const inMemory = sorted(posts.filter((post) => isPostVisible(viewer, post) && (!status || post.status === status)).map((post) => post.id));
        const byPrisma = await prisma.post.findMany({ where: { AND: [{ authorId: { in: authors } }, visiblePosts(viewer, status)] }, select: { id: true } });
        const statusSql = status ? Prisma.sql`AND "x"."status" = ${status}::"PostStatus"` : Prisma.empty;
        const bySql = await sql.query<{ id: number }>(Prisma.sql`SELECT "x"."id" FROM "posts" AS "x" WHERE ${ours} AND ${visiblePostSql(viewer, "x")} ${statusSql}`);
        const byBranches: number[] = [];
        for (const author of authors) {
          for (const conditions of visiblePostsOfAuthorSql(viewer, Prisma.sql`${author}::int`, "x")) {
            const where = Prisma.join([Prisma.sql`"x"."author_id" = ${author}`, ...conditions], " AND ");
            const rows = await sql.query<{ id: number }>(Prisma.sql`SELECT "x"."id" FROM "posts" AS "x" WHERE ${where} ${statusSql}`);
            byBranches.push(...rows.map((row) => row.id));
          }
        }
        const label = `${name}, status ${status ?? "any"}`;
        expect(sorted(byPrisma.map((row) => row.id)), `${label}: Prisma filter`).toEqual(inMemory);
        expect(sorted(bySql.map((row) => row.id)), `${label}: SQL`).toEqual(inMemory);
        // The branches are exclusive: no post comes twice.
        expect(sorted(byBranches), `${label}: an author's list`).toEqual(inMemory);
        // An author's stored counts, in memory and as SQL, count what their list holds.
        for (const author of authors) {
          const listed = posts.filter((post) => post.authorId === author && inMemory.includes(post.id)).length;
          const counts = await prisma.authorPostCount.findUnique({ where: { authorId: author }, select: { published: true, drafts: true } });
          expect(visiblePostCountOfAuthor(viewer, author, counts, status), `${label}: author ${author}'s count in memory`).toBe(listed);
          const [counted] = await sql.query<{ n: number }>(
            Prisma.sql`SELECT ${visiblePostCountOfAuthorSql(viewer, Prisma.sql`${author}::int`, "s", status)} AS "n" FROM "author_post_counts" AS "s" WHERE "s"."author_id" = ${author}`,
          );
          expect(counted?.n, `${label}: author ${author}'s count as SQL`).toBe(listed);
        }
      }
    }
    // The rule is not vacuous: each kind of viewer sees a different set.
    const seen = new Set(viewers.map(([, viewer]) => sorted(posts.filter((post) => isPostVisible(viewer, post)).map((post) => post.id)).join()));
    expect(seen.size).toBe(4);
  });

  it("picks the same tags as a Prisma filter and as SQL, following the post rule", async () => {
    const { prisma, sql } = app.current.app.database;
    for (const [name, viewer] of viewers) {
      const visiblePostIds = new Set(posts.filter((post) => isPostVisible(viewer, post)).map((post) => post.id));
      const links = await prisma.postTag.findMany({ where: { tagId: { in: tags } } });
      const expected = sorted(new Set(links.filter((link) => visiblePostIds.has(link.postId)).map((link) => link.tagId)));
      const byPrisma = await prisma.tag.findMany({ where: { AND: [{ id: { in: tags } }, tagVisibility(viewer)] }, select: { id: true } });
      const bySql = await sql.query<{ id: number }>(
        Prisma.sql`SELECT "x"."id" FROM "tags" AS "x" WHERE "x"."id" = ANY(${tags}::int[]) AND ${visibleTagSql(viewer, "x")}`,
      );
      expect(sorted(byPrisma.map((row) => row.id)), `${name}: Prisma filter`).toEqual(expected);
      expect(sorted(bySql.map((row) => row.id)), `${name}: SQL`).toEqual(expected);
    }
  });
});
