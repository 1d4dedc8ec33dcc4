/**
 * The ceiling: Node's http server and pg, serving W0-W2 from hand-written
 * SQL that builds the whole JSON answer in PostgreSQL (json_agg over LATERAL
 * joins, one statement per request, prepared once per connection). No
 * GraphQL parsing or execution at all: nothing a GraphQL server can do is
 * faster. bench/run.ts checks its plans with EXPLAIN.
 */
import { createServer } from "node:http";
import { parsePrismaCursor } from "@pothos/plugin-prisma";
import pg from "pg";

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
          WHERE status = 'PUBLISHED'
            AND ($1::int IS NULL OR (published_at, id) < (SELECT published_at, id FROM posts WHERE id = $1))
          ORDER BY published_at DESC, id DESC LIMIT 20) p
    CROSS JOIN LATERAL (
      SELECT COALESCE(json_agg(json_build_object('name', t.name) ORDER BY t.name), '[]'::json) AS tags
      FROM "_PostToTag" pt JOIN tags t ON t.id = pt."B" WHERE pt."A" = p.id
    ) t`,
} as const;

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
        if (operationName === "W1" || operationName === "W2") {
          const after = afterId(variables);
          const { rows } = await pool.query({
            name: operationName,
            text: CEILING_SQL[operationName],
            values: [operationName === "W1" ? (after ?? 0) : after],
          });
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
