/**
 * Naive: Inkwell's API shape for the benchmark's workloads, resolved the
 * way lazy loading does it: every field that needs a row runs its own query
 * for its own parent, with no planning and no batching. This is what the
 * data layer of Inkwell exists to avoid; it lives in bench/ only.
 */
import { createServer } from "node:http";
import { formatPrismaCursor, parsePrismaCursor } from "@pothos/plugin-prisma";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { createSchema, createYoga } from "graphql-yoga";
import pg from "pg";
import { deploymentOf } from "../../src/auth/deployment.js";
import { createTokenService } from "../../src/auth/tokens.js";
import { loadConfig } from "../../src/config.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
// Inkwell's own token check (its signing key is derived per deployment), so W3 pays the same for it.
const tokens = createTokenService(process.env.AUTH_SECRET ?? "", 3600, deploymentOf(loadConfig({ DATABASE_URL: process.env.DATABASE_URL }).database));

type Row = Record<string, any>;
const one = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rows[0] as Row | undefined;
const many = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rows as Row[];
const edges = (rows: Row[]) => ({ edges: rows.map((node) => ({ cursor: formatPrismaCursor(node, "id"), node })) });
const after = (cursor: string | null | undefined) => (cursor ? Number(parsePrismaCursor(cursor)) : null);

const schema = createSchema<{ request: Request }>({
  typeDefs: /* GraphQL */ `
    type Query {
      users(first: Int, after: String): UserConnection!
      posts(first: Int, after: String): PostConnection!
      post(slug: String!): Post
      tag(name: String!): Tag
    }
    type Mutation { addComment(input: AddCommentInput!): Comment! }
    input AddCommentInput { postId: ID! body: String! }
    type User { id: ID! handle: String! name: String! posts(first: Int, after: String): PostConnection! }
    type Post { id: ID! title: String! slug: String! author: User! tags: [Tag!]! comments(first: Int, after: String): CommentConnection! }
    type Comment { id: ID! body: String! author: User! post: Post! }
    type Tag { id: ID! name: String! posts(first: Int): PostConnection! }
    type UserConnection { edges: [UserEdge!]! }
    type UserEdge { cursor: String! node: User! }
    type PostConnection { edges: [PostEdge!]! }
    type PostEdge { cursor: String! node: Post! }
    type CommentConnection { edges: [CommentEdge!]! }
    type CommentEdge { cursor: String! node: Comment! }
  `,
  resolvers: {
    Query: {
      users: async (_root, args: { first?: number; after?: string }) =>
        edges(await many("SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT $2", [after(args.after) ?? 0, args.first ?? 20])),
      posts: async (_root, args: { first?: number; after?: string }) =>
        edges(
          await many(
            `SELECT * FROM posts WHERE status = 'PUBLISHED'
               AND ($1::int IS NULL OR (published_at, id) < (SELECT published_at, id FROM posts WHERE id = $1))
             ORDER BY published_at DESC, id DESC LIMIT $2`,
            [after(args.after), args.first ?? 20],
          ),
        ),
      post: (_root, args: { slug: string }) => one("SELECT * FROM posts WHERE slug = $1 AND status = 'PUBLISHED'", [args.slug]),
      tag: (_root, args: { name: string }) => one("SELECT * FROM tags WHERE name = $1", [args.name]),
    },
    Mutation: {
      addComment: async (_root, { input }: { input: { postId: string; body: string } }, ctx) => {
        const token = ctx.request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
        const viewer = (await tokens.verify(token))?.userId ?? null;
        if (viewer === null) throw new Error("not signed in");
        const postId = Number(decodeGlobalID(input.postId).id);
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const post = (await client.query("SELECT * FROM posts WHERE id = $1 AND status = 'PUBLISHED'", [postId])).rows[0];
          if (!post) throw new Error("not found");
          // posts.comment_count follows by the migrations' trigger, as for Inkwell.
          const comment = (await client.query("INSERT INTO comments (post_id, author_id, body) VALUES ($1, $2, $3) RETURNING *", [postId, viewer, input.body])).rows[0];
          await client.query(
            "INSERT INTO audit_events (actor_id, action, entity_type, entity_id, data) VALUES ($1, 'comment.create', 'Comment', $2, $3)",
            [viewer, String(comment.id), JSON.stringify({ postId })],
          );
          await client.query("COMMIT");
          return comment;
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
      },
    },
    User: {
      posts: async (user: Row, args: { first?: number }) =>
        edges(await many("SELECT * FROM posts WHERE author_id = $1 AND status = 'PUBLISHED' ORDER BY created_at DESC, id DESC LIMIT $2", [user.id, args.first ?? 20])),
    },
    Post: {
      author: (post: Row) => one("SELECT * FROM users WHERE id = $1", [post.author_id]),
      tags: (post: Row) => many("SELECT t.* FROM tags t JOIN post_tags l ON l.tag_id = t.id WHERE l.post_id = $1 ORDER BY t.name", [post.id]),
      comments: async (post: Row, args: { first?: number; after?: string }) =>
        edges(await many("SELECT * FROM comments WHERE post_id = $1 AND id > $2 ORDER BY id LIMIT $3", [post.id, after(args.after) ?? 0, args.first ?? 20])),
    },
    Tag: {
      // What an ORM's relation would send: the posts of the tag, sorted by the post's own column.
      posts: async (tag: Row, args: { first?: number }) =>
        edges(
          await many(
            `SELECT p.* FROM posts p JOIN post_tags l ON l.post_id = p.id
             WHERE l.tag_id = $1 AND p.status = 'PUBLISHED' ORDER BY p.published_at DESC, p.id DESC LIMIT $2`,
            [tag.id, args.first ?? 20],
          ),
        ),
    },
    Comment: {
      author: (comment: Row) => one("SELECT * FROM users WHERE id = $1", [comment.author_id]),
      post: (comment: Row) => one("SELECT * FROM posts WHERE id = $1", [comment.post_id]),
    },
  },
});

createServer(createYoga({ schema, graphiql: false, logging: false })).listen(Number(process.env.PORT), "127.0.0.1", () =>
  console.log("listening"),
);
