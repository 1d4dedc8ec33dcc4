/**
 * The ceiling: Node's http server and pg, serving W0-W2, W4 and W5 from hand-written
 * SQL that builds the whole JSON answer in PostgreSQL (json_agg over LATERAL
 * joins, one statement per request, prepared once per connection). No
 * GraphQL parsing or execution at all: nothing a GraphQL server can do is
 * faster. bench/run.ts checks its plans with EXPLAIN.
 */
import { createServer } from "node:http";
import { parsePrismaCursor } from "@pothos/plugin-prisma";
import pg from "pg";

/**
 * One statement per workload, each prepared once per connection. No
 * statement has an optional condition (`$1 IS NULL OR …`): once PostgreSQL
 * switches a prepared statement to its generic plan, such a condition is a
 * filter on every row of the index instead of a bound on the walk (the W2
 * feed page after 5,000 posts went from 0.3 ms to 13 ms, and the ceiling
 * fell below PostGraphile); bench/run.ts checks every plan as a generic one.
 */
export const CEILING_SQL = {
  W1: `
    SELECT json_build_object('data', json_build_object('users', json_build_object('edges', COALESCE(json_agg(
      json_build_object('node', json_build_object('handle', u.handle, 'posts', json_build_object('edges', p.edges)))
      ORDER BY u.id), '[]'::json))))::text AS body
    FROM (SELECT id, handle FROM users WHERE id > $1 ORDER BY id LIMIT 10) u
    CROSS JOIN LATERAL (
      SELECT COALESCE(json_agg(json_build_object('node', json_build_object('title', p.title, 'comments',
               json_build_object('edges', c.edges))) ORDER BY p.created_at DESC, p.id DESC), '[]'::json) AS edges
      FROM (SELECT id, title, created_at FROM posts
            WHERE author_id = u.id AND status = 'PUBLISHED' ORDER BY created_at DESC, id DESC LIMIT 5) p
      CROSS JOIN LATERAL (
        SELECT COALESCE(json_agg(json_build_object('node', json_build_object('body', c.body, 'author',
                 json_build_object('handle', (SELECT handle FROM users WHERE id = c.author_id)))) ORDER BY c.id), '[]'::json) AS edges
        FROM (SELECT id, body, author_id FROM comments WHERE post_id = p.id ORDER BY id LIMIT 5) c
      ) c
    ) p`,
  W2: `
    SELECT json_build_object('data', json_build_object('posts', json_build_object('edges', COALESCE(json_agg(
      json_build_object('node', json_build_object('title', p.title,
        'author', json_build_object('handle', (SELECT handle FROM users WHERE id = p.author_id)), 'tags', t.tags))
      ORDER BY p.published_at DESC, p.id DESC), '[]'::json))))::text AS body
    FROM (SELECT id, title, author_id, published_at FROM posts
          WHERE status = 'PUBLISHED' AND (published_at, id) < (SELECT published_at, id FROM posts WHERE id = $1)
          ORDER BY published_at DESC, id DESC LIMIT 20) p
    CROSS JOIN LATERAL (
      SELECT COALESCE(json_agg(json_build_object('name', t.name) ORDER BY t.name), '[]'::json) AS tags
      FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id
    ) t`,
  W4: `
    SELECT json_build_object('data', json_build_object('post', CASE WHEN p.id IS NULL THEN NULL ELSE
      json_build_object('comments', json_build_object('edges', c.edges)) END))::text AS body
    FROM (SELECT 1) one
    LEFT JOIN (SELECT id FROM posts WHERE slug = $1 AND status = 'PUBLISHED') p ON true
    LEFT JOIN LATERAL (
      SELECT COALESCE(json_agg(json_build_object('node', json_build_object('body', c.body, 'author',
               json_build_object('handle', (SELECT handle FROM users WHERE id = c.author_id)))) ORDER BY c.id), '[]'::json) AS edges
      FROM (SELECT id, body, author_id FROM comments WHERE post_id = p.id AND id > $2 ORDER BY id LIMIT 20) c
    ) c ON true`,
  W5: `
    SELECT json_build_object('data', json_build_object('tag', CASE WHEN t.id IS NULL THEN NULL ELSE
      json_build_object('posts', json_build_object('edges', p.edges)) END))::text AS body
    FROM (SELECT 1) one
    LEFT JOIN (SELECT id FROM tags WHERE name = $1) t ON true
    LEFT JOIN LATERAL (
      SELECT COALESCE(json_agg(json_build_object('node', json_build_object('title', p.title, 'author',
               json_build_object('handle', (SELECT handle FROM users WHERE id = p.author_id))))
             ORDER BY l.published_at DESC, l.post_id DESC), '[]'::json) AS edges
      FROM (SELECT post_id, published_at FROM post_tags WHERE tag_id = t.id AND published_at IS NOT NULL
            ORDER BY published_at DESC, post_id DESC LIMIT 10) l
      JOIN posts p ON p.id = l.post_id
    ) p ON true`,
} as const;

/** The bound parameters of each workload's statement, from its GraphQL variables. */
export function ceilingParameters(operationName: keyof typeof CEILING_SQL, variables: Record<string, unknown> | undefined): unknown[] {
  switch (operationName) {
    case "W1":
      return [afterId(variables) ?? 0];
    case "W2":
      return [afterId(variables)];
    case "W4":
      return [variables?.slug, afterId(variables) ?? 0];
    case "W5":
      return [variables?.name];
  }
}

const W0_BODY = JSON.stringify({ data: { __typename: "Query" } });

function afterId(variables: Record<string, unknown> | undefined): number | null {
  const after = variables?.after;
  return typeof after === "string" ? Number(parsePrismaCursor(after)) : null;
}

async function main() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
  createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      try {
        const { operationName, variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
          operationName?: string;
          variables?: Record<string, unknown>;
        };
        let body: string;
        if (operationName && operationName in CEILING_SQL) {
          const name = operationName as keyof typeof CEILING_SQL;
          const { rows } = await pool.query({ name, text: CEILING_SQL[name], values: ceilingParameters(name, variables) });
          body = rows[0].body;
        } else {
          body = W0_BODY;
        }
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        response.end(body);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  }).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
}

if (process.argv[1]?.endsWith("ceiling.ts")) void main();
