import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

const SEARCH = `query Search($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    edges { cursor rank highlight node { title author { handle } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe.each(testDatabaseKinds)("full-text search on %s", (kind) => {
  const app = useTestApp(kind);

  it("stems, ranks title matches above body matches, pages by rank, and leaves drafts out", async () => {
    const t = app.current;
    const author = await signUp(t);
    // A word no other test writes, so the results are only these posts.
    const word = unique("quokka").replace(/\d/g, "");
    const inTitle = await createPost(t, author, { title: `Running with ${word}`, body: "A morning out." });
    const inBody = await createPost(t, author, { title: "Notes", body: `We ran. The ${word} was running & <b>bold</b> too.` });
    const twice = await createPost(t, author, { title: "More notes", body: `${word} ${word} run` });
    await createPost(t, author, { title: `Draft about ${word} runs`, body: "hidden", publish: false });

    const all = await t.graphql(SEARCH, { variables: { q: `${word} run` } });
    expectNoErrors(all);
    const edges = all.body.data!.search.edges as Array<{ rank: number; highlight: string; node: { title: string } }>;
    // "run" finds "Running" and "running"; the draft is never found.
    expect(edges.map((edge) => edge.node.title)).toEqual([`Running with ${word}`, "More notes", "Notes"]);
    expect(edges[0]!.rank).toBeGreaterThan(edges[1]!.rank);
    expect(edges[1]!.rank).toBeGreaterThan(edges[2]!.rank);
    // The excerpt marks the matches and escapes the rest.
    expect(edges[2]!.highlight).toContain(`<mark>${word}</mark>`);
    expect(edges[2]!.highlight).toContain("&lt;b&gt;bold");
    expect(edges[2]!.highlight).not.toContain("<b>");
    void [inTitle, inBody, twice];

    // Paging: two, then the rest after the cursor, with nothing twice and nothing missed.
    const first = await t.graphql(SEARCH, { variables: { q: `${word} run`, first: 2 } });
    expect(first.body.data!.search.pageInfo.hasNextPage).toBe(true);
    const rest = await t.graphql(SEARCH, { variables: { q: `${word} run`, first: 2, after: first.body.data!.search.pageInfo.endCursor } });
    const titles = [...first.body.data!.search.edges, ...rest.body.data!.search.edges].map((edge: { node: { title: string } }) => edge.node.title);
    expect(titles).toEqual(edges.map((edge) => edge.node.title));
    expect(rest.body.data!.search.pageInfo.hasNextPage).toBe(false);
    // A cursor of another query is foreign.
    const foreign = await t.graphql(SEARCH, { variables: { q: word, after: first.body.data!.search.pageInfo.endCursor } });
    expect(foreign.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
    // The search is one statement, whatever the number of matches: the page of matches with their
    // ranks, excerpts and the planned columns of the posts (before the read library, it took two).
    expect(all.statements.filter((sql) => !/FROM "users" WHERE "id"/.test(sql))).toHaveLength(1);

    // The feed's filter is the same full-text search.
    const filtered = await t.graphql(`query($q: String) { posts(first: 10, filter: { search: $q }) { edges { node { title } } } }`, { variables: { q: `${word} run` } });
    expect(filtered.body.data!.posts.edges).toHaveLength(3);
  });

  it.each([`"unclosed`, `!!! & | :* ( )`, `-`, `or or or`, `'; DROP TABLE posts; --`, "\\", "😀", " "])(
    "answers hostile syntax %j with results or none, never an error",
    async (q) => {
      const response = await app.current.graphql(SEARCH, { variables: { q } });
      expectNoErrors(response);
      expect(Array.isArray(response.body.data!.search.edges)).toBe(true);
    },
  );

  it("offers no backward paging, and refuses an oversized page naming the argument", async () => {
    // `last` and `before` are not arguments of search at all: validation refuses them before anything runs.
    for (const argument of ["last: 2", `before: "x"`]) {
      const back = await app.current.graphql(`{ search(query: "x", ${argument}) { edges { cursor } } }`);
      expect(back.status).toBe(400);
      expect(back.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" } }]);
    }
    const big = await app.current.graphql(`{ search(query: "x", first: 101) { edges { cursor } } }`);
    expect(big.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "first" } }]);
  });

  it.runIf(kind === "postgres")("matches through the GIN index", async () => {
    const t = app.current;
    const prisma = t.app.database.prisma;
    const author = await signUp(t);
    // Enough published posts that reading them all would cost more than the index.
    await prisma.$executeRaw`
      INSERT INTO posts (author_id, title, slug, body, status, published_at, updated_at)
      SELECT ${Number(Buffer.from(author.id, "base64").toString().split(":")[1])}, 'Filler ' || g, 'filler-' || g,
             'Ordinary words about gardens and weather, number ' || g, 'PUBLISHED', now(), now()
      FROM generate_series(1, 5000) AS g`;
    // VACUUM moves the new rows out of the GIN index's pending list (whose scan the planner
    // rightly prices high) into the index proper, as autovacuum would.
    await prisma.$executeRawUnsafe("VACUUM ANALYZE posts");
    const plan = await prisma.$queryRaw<Array<{ "QUERY PLAN": string }>>`
      EXPLAIN SELECT id FROM posts WHERE status = 'PUBLISHED' AND search_vector @@ websearch_to_tsquery('english', ${"quokka running"})`;
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Bitmap Index Scan on posts_search_vector_idx/);
  });
});

/**
 * Ranking needs every match, so a search costs what it matches: it takes a
 * turn of the instance's costly reads (src/read/costly-reads.ts), and a
 * search past the turns and the wait is answered DATABASE_BUSY at once
 * while other lists go on. On PostgreSQL, where the searches' statements
 * are in flight together.
 */
describe.runIf(testDatabaseKinds.includes("postgres"))("full-text search under load on postgres", () => {
  const app = useTestApp("postgres", { env: { COSTLY_READS_AT_ONCE: "1", COSTLY_READS_WAITING: "1" } });

  it("runs one search at a time with one waiting, refuses the rest with 503, and leaves the feed alone", async () => {
    const t = app.current;
    const author = await signUp(t);
    await createPost(t, author, { title: "Wombats at dusk", body: "A wombat walks." });
    const asked = await Promise.all([
      ...["wombat", "wombats", "dusk", "walks", "wombat dusk", "walk"].map((q) => t.graphql(SEARCH, { variables: { q } })),
      t.graphql(`{ posts(first: 5) { edges { node { title } } } }`),
    ]);
    const feed = asked.pop()!;
    expectNoErrors(feed);
    const answered = asked.filter((response) => !response.body.errors);
    const refused = asked.filter((response) => response.body.errors);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThan(0);
    for (const response of answered) expect(response.body.data!.search.edges.map((edge: { node: { title: string } }) => edge.node.title)).toEqual(["Wombats at dusk"]);
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.body.errors).toMatchObject([{ extensions: { code: "DATABASE_BUSY" } }]);
      expect(response.statements).toEqual([]);
    }
  });
});
