import pg from "pg";
import type { SeedOptions } from "../../src/db/seed.js";
import { startServer } from "./processes.js";
import { idCursor, PEER_NAMES, picker, postGlobalId, type DatasetName, type Dialect, type WorkloadName } from "./workloads.js";

/** The data sets, each seeded with the project's own seed command into a database of its own. */
export const DATASETS: Record<DatasetName, { database: string; seed: SeedOptions; workloads: WorkloadName[] }> = {
  standard: {
    database: "inkwell_bench",
    seed: { users: 1000, postsPerUser: 10, commentsPerPost: 5, draftEvery: 0 },
    workloads: ["W0", "W1", "W2", "W3"],
  },
  // Prolific writers, posts with thousands of comments, tags on 10,000 posts: pages must cost the same here.
  deep: {
    database: "inkwell_bench_deep",
    seed: { users: 100, postsPerUser: 1000, commentsPerPost: 2, draftEvery: 0, hotPosts: 5, hotPostComments: 5000 },
    workloads: ["W1", "W4", "W5"],
  },
};

export function describeSeed(seed: SeedOptions): string {
  const posts = seed.users * seed.postsPerUser;
  const hot = Math.min(seed.hotPosts ?? 0, posts);
  const comments = (posts - hot) * seed.commentsPerPost + hot * (seed.hotPostComments ?? seed.commentsPerPost);
  return `${seed.users} users, ${posts} posts, ${comments} comments` + (hot ? ` (${hot} posts with ${seed.hotPostComments} each)` : "");
}

/**
 * What every system is asked, as row ids and names: the same sequence for
 * all of them. Each system gets them as cursors in its own format.
 */
export interface Inputs {
  /** Users to start W1 after. */
  w1After: number[];
  /** Feed posts to start W2 after. */
  w2After: number[];
  /** Posts to comment on (W3). */
  w3Posts: number[];
  /** Posts with thousands of comments, and the comment to start W4 after. */
  w4: { slug: string; after: number }[];
  /** Tags with thousands of posts (W5). */
  w5Tags: string[];
}

const SEQUENCE = 500;

export async function benchmarkInputs(databaseUrl: string): Promise<Inputs> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = async (sql: string) => (await client.query<{ id: number }>(sql)).rows.map((row) => row.id);
    const users = await ids("SELECT id FROM users ORDER BY id");
    const feed = await ids("SELECT id FROM posts WHERE status = 'PUBLISHED' ORDER BY published_at DESC, id DESC");
    const hot = (
      await client.query<{ slug: string; comment: number }>(
        `SELECT p.slug, c.id AS comment FROM posts p JOIN comments c ON c.post_id = p.id
         WHERE p.comment_count >= 1000 ORDER BY p.id, c.id`,
      )
    ).rows;
    // The last 20 comments of each post leave no full page after them; skip them as starts.
    const hotStarts = hot.filter((row, i) => hot[i + 20]?.slug === row.slug);
    const tags = (await client.query<{ name: string }>(
      "SELECT t.name FROM tags t WHERE (SELECT count(*) FROM post_tags l WHERE l.tag_id = t.id) >= 5000 ORDER BY t.name",
    )).rows.map((row) => row.name);
    const pick = picker(42);
    const sequence = <T>(items: T[]) => (items.length ? Array.from({ length: SEQUENCE }, () => pick(items)) : []);
    return {
      w1After: sequence(users.slice(0, -10)),
      w2After: sequence(feed.slice(0, -20)),
      w3Posts: sequence(feed),
      w4: sequence(hotStarts).map((row) => ({ slug: row.slug, after: row.comment })),
      w5Tags: sequence(tags),
    };
  } finally {
    await client.end();
  }
}

/** A system's cursors for the rows of the inputs, by row id: `users`, `feed` and `comments`. */
export interface Cursors {
  users: Map<number, string>;
  feed: Map<number, string>;
  comments: Map<number, string>;
}

/** The naive server and the ceiling take a plain id cursor. */
export function idCursors(inputs: Inputs): Cursors {
  const of = (ids: number[]) => new Map(ids.map((id) => [id, idCursor(id)]));
  return { users: of(inputs.w1After), feed: of(inputs.w2After), comments: of(inputs.w4.map((start) => start.after)) };
}

/**
 * Inkwell's and PostGraphile's cursors encode their own ordering (Inkwell's
 * are signed, too), so they are read from the system itself by paging
 * through the lists the workloads start in.
 */
export async function collectCursors(
  dialect: Dialect,
  script: string,
  env: Record<string, string>,
  inputs: Inputs,
  core: number,
): Promise<Cursors> {
  const server = await startServer({ script, port: 4301, env, core });
  try {
    const ask = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      if (!body.data) throw new Error(`collecting cursors: ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    /** Every edge of a list, `pick` finding its connection in an answer, as id → cursor. */
    const walk = async (query: string, variables: Record<string, unknown>, pick: (data: any) => any, wanted: Set<number>) => {
      const cursors = new Map<number, string>();
      let after: string | null = null;
      while (wanted.size > cursors.size) {
        const connection = pick(await ask(query, { ...variables, after }));
        for (const edge of connection.edges) {
          // Inkwell's ids are Relay global ids; PostGraphile's row key is the row's own.
          const id = dialect === "inkwell" ? Number(Buffer.from(edge.node.id, "base64").toString().split(":")[1]) : edge.node[key];
          if (wanted.has(id)) cursors.set(id, edge.cursor);
        }
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      return cursors;
    };
    const { key, keyOrder } = dialect === "inkwell" ? { key: "id", keyOrder: "ID" } : PEER_NAMES[dialect];
    const page = `edges { cursor node { ${key} } } pageInfo { hasNextPage endCursor }`;
    const [users, feed] = [new Set(inputs.w1After), new Set(inputs.w2After)];
    const cursors: Cursors = { users: new Map(), feed: new Map(), comments: new Map() };
    if (dialect === "inkwell") {
      if (users.size) cursors.users = await walk(`query($after: String) { users(first: 100, after: $after) { ${page} } }`, {}, (d) => d.users, users);
      if (feed.size) cursors.feed = await walk(`query($after: String) { posts(first: 100, after: $after) { ${page} } }`, {}, (d) => d.posts, feed);
    } else {
      if (users.size) cursors.users = await walk(`query($after: Cursor) { allUsers(first: 100, after: $after, orderBy: PRIMARY_KEY_ASC) { ${page} } }`, {}, (d) => d.allUsers, users);
      if (feed.size) {
        cursors.feed = await walk(
          `query($after: Cursor) { allPosts(first: 100, after: $after, orderBy: [PUBLISHED_AT_DESC, ${keyOrder}_DESC], condition: { status: PUBLISHED }) { ${page} } }`,
          {},
          (d) => d.allPosts,
          feed,
        );
      }
    }
    for (const slug of new Set(inputs.w4.map((start) => start.slug))) {
      const wanted = new Set(inputs.w4.filter((start) => start.slug === slug).map((start) => start.after));
      const found =
        dialect === "inkwell"
          ? await walk(`query($slug: String!, $after: String) { post(slug: $slug) { comments(first: 100, after: $after) { ${page} } } }`, { slug }, (d) => d.post.comments, wanted)
          : await walk(
              `query($slug: String!, $after: Cursor) { allPosts(condition: { slug: $slug }) { nodes {
                commentsByPostId(first: 100, after: $after, orderBy: PRIMARY_KEY_ASC) { ${page} } } } }`,
              { slug },
              (d) => d.allPosts.nodes[0].commentsByPostId,
              wanted,
            );
      for (const [id, cursor] of found) cursors.comments.set(id, cursor);
    }
    return cursors;
  } finally {
    await server.stop();
  }
}

/** A workload's requests for one system: the next body, and the headers to send with all of them. */
export type Bodies = Partial<Record<WorkloadName, { next: () => string; headers: Record<string, string> }>>;

/** For each workload, an endless sequence of request bodies in the system's dialect; the same positions for every system. */
export function requestBodies(queries: Partial<Record<WorkloadName, string>>, inputs: Inputs, cursors: Cursors, token: string): Bodies {
  const cycle = <T>(items: T[]) => {
    let i = 0;
    return () => items[i++ % items.length]!;
  };
  const cursor = (map: Map<number, string>, id: number) => {
    const found = map.get(id);
    if (!found) throw new Error(`no cursor collected for row ${id}`);
    return found;
  };
  const w1 = cycle(inputs.w1After.map((id) => cursor(cursors.users, id)));
  const w2 = cycle(inputs.w2After.map((id) => cursor(cursors.feed, id)));
  const w3 = cycle(inputs.w3Posts.map(postGlobalId));
  const w4 = cycle(inputs.w4.map((start) => ({ slug: start.slug, after: cursor(cursors.comments, start.after) })));
  const w5 = cycle(inputs.w5Tags);
  let comment = 0;
  const body = (name: WorkloadName, variables?: Record<string, unknown>) => JSON.stringify({ query: queries[name], operationName: name, variables });
  const bodies: Bodies = {};
  if (queries.W0) bodies.W0 = { headers: {}, next: () => body("W0") };
  if (queries.W1 && inputs.w1After.length) bodies.W1 = { headers: {}, next: () => body("W1", { after: w1() }) };
  if (queries.W2 && inputs.w2After.length) bodies.W2 = { headers: {}, next: () => body("W2", { after: w2() }) };
  if (queries.W3 && inputs.w3Posts.length) {
    bodies.W3 = {
      headers: { authorization: `Bearer ${token}` },
      next: () => body("W3", { input: { postId: w3(), body: `Benchmark comment #${(comment += 1)}` } }),
    };
  }
  if (queries.W4 && inputs.w4.length) bodies.W4 = { headers: {}, next: () => body("W4", w4()) };
  if (queries.W5 && inputs.w5Tags.length) bodies.W5 = { headers: {}, next: () => body("W5", { name: w5() }) };
  return bodies;
}
