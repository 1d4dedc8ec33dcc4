import { hashPassword } from "../auth/passwords.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { SEED_PASSWORD } from "./seed-password.js";
import { refreshStatistics } from "./statistics.js";

export interface SeedOptions {
  users: number;
  postsPerUser: number;
  commentsPerPost: number;
  /** Every n-th post stays a draft (without comments); 0 for none. */
  draftEvery?: number;
  /** The first this many posts (if published) get `hotPostComments` comments instead: a deep data set. */
  hotPosts?: number;
  hotPostComments?: number;
  /** The first this many users are admins (the demo data has one, writer1, to grant credits with). */
  admins?: number;
  /** Every seeded user's password (hashed once: argon2 per row would take minutes). */
  password?: string;
}

export interface SeedCounts {
  users: number;
  posts: number;
  comments: number;
  tags: number;
}

export const DEMO_SEED: SeedOptions = { users: 6, postsPerUser: 4, commentsPerPost: 3, admins: 1 };

const TAGS = ["writing", "fiction", "poetry", "essays", "craft", "editing", "publishing", "research", "travel", "food",
  "science", "history", "memoir", "tech", "design", "film", "music", "nature", "cities", "letters"];
const TITLES = ["On revision", "The quiet draft", "Letters to a young editor", "Why I keep a notebook",
  "Small rooms of prose", "Reading in the margins", "The long middle", "Notes from the desk", "What the page answers",
  "Beginnings are cheap", "A case for short chapters", "Writing in the morning", "The second sentence",
  "Cutting what you love", "Dialogue that breathes", "Finding the ending", "Drafts I threw away", "Titles are promises",
  "The reader in the room", "Slow work"];
const WORDS = ("the quiet ink of morning settles over every draft a writer keeps " +
  "between chapters there are small rooms where sentences learn to breathe " +
  "revision is a kind of listening and the page answers slowly").split(" ");
const BASE_TIME = Date.UTC(2026, 0, 1);
const CHUNK = 5_000;

/**
 * Fills an empty database with a deterministic data set: the same options
 * always give the same rows (handles, slugs, bodies, timestamps, tag links).
 * Rows go in with multi-row INSERTs in chunks, so 10k posts take seconds.
 * Refuses to run on a database that already has users.
 */
export async function seedDatabase(prisma: PrismaClient, options: SeedOptions): Promise<SeedCounts> {
  if ((await prisma.user.count()) > 0) throw new Error("the database already has users; seed only an empty one");
  const random = mulberry32(options.users * 1_000_003 + options.postsPerUser * 1_009 + options.commentsPerPost);
  const passwordHash = await hashPassword(options.password ?? SEED_PASSWORD);

  const users = await prisma.user.createManyAndReturn({
    data: Array.from({ length: options.users }, (_, i) => ({
      email: `writer${i + 1}@example.com`,
      handle: `writer${i + 1}`,
      name: `Writer ${i + 1}`,
      passwordHash,
      role: i < (options.admins ?? 0) ? ("ADMIN" as const) : ("USER" as const),
      createdAt: new Date(BASE_TIME + i * 60_000),
    })),
    select: { id: true },
  });
  await prisma.profile.createMany({
    data: users.map((user, i) => ({ userId: user.id, bio: `Writer ${i + 1} writes about ${TAGS[i % TAGS.length]}.` })),
  });
  const tags = await prisma.tag.createManyAndReturn({ data: TAGS.map((name) => ({ name })), select: { id: true } });

  const postRows = users.flatMap((user, u) =>
    Array.from({ length: options.postsPerUser }, (_, p) => {
      const n = u * options.postsPerUser + p;
      const draftEvery = options.draftEvery ?? 10;
      const published = draftEvery === 0 || n % draftEvery !== draftEvery - 1;
      const comments = n < (options.hotPosts ?? 0) ? (options.hotPostComments ?? options.commentsPerPost) : options.commentsPerPost;
      const at = new Date(BASE_TIME + 86_400_000 + n * 60_000);
      return {
        authorId: user.id,
        title: `${TITLES[n % TITLES.length]}, part ${Math.floor(n / TITLES.length) + 1}`,
        slug: `post-${n + 1}`,
        body: Array.from({ length: 3 }, () => `${capitalize(sentence(random, 24))}.`).join("\n\n"),
        status: published ? ("PUBLISHED" as const) : ("DRAFT" as const),
        publishedAt: published ? at : null,
        // Counted by the comments trigger as the comments go in; kept here to generate them.
        comments: published ? comments : 0,
        createdAt: at,
      };
    }),
  );
  // Posts and comments are the bulk of the data: each chunk is one
  // INSERT ... SELECT FROM unnest() with every column as one bound array,
  // about ten times faster than Prisma's createMany for 10k+ rows.
  const posts: { id: number; status: string }[] = [];
  for (const chunk of chunks(postRows, CHUNK)) {
    const column = <K extends keyof (typeof chunk)[number]>(key: K) => chunk.map((row) => row[key]);
    posts.push(
      ...(await prisma.$queryRaw<{ id: number; status: string }[]>`
        INSERT INTO posts (author_id, title, slug, body, status, published_at, created_at, updated_at)
        SELECT author_id, title, slug, body, status::"PostStatus", published_at, created_at, created_at
        FROM unnest(${column("authorId")}::int[], ${column("title")}::text[], ${column("slug")}::text[],
                    ${column("body")}::text[], ${column("status")}::text[], ${column("publishedAt").map(iso)}::timestamp(3)[],
                    ${column("createdAt").map(iso)}::timestamp(3)[])
          AS rows (author_id, title, slug, body, status, published_at, created_at)
        RETURNING id, status::text`),
    );
  }

  // Two tags a post, as one INSERT ... SELECT unnest() per chunk with the ids
  // as bound arrays; post_tags' trigger copies each post's publication time.
  const links = posts.flatMap((post, i) => {
    const first = i % tags.length;
    const second = (i * 7 + 3) % tags.length === first ? (first + 1) % tags.length : (i * 7 + 3) % tags.length;
    return [[post.id, tags[first]!.id], [post.id, tags[second]!.id]] as const;
  });
  for (const chunk of chunks(links, CHUNK * 4)) {
    await prisma.$executeRaw`
      INSERT INTO post_tags (post_id, tag_id)
      SELECT * FROM unnest(${chunk.map(([postId]) => postId)}::int[], ${chunk.map(([, tagId]) => tagId)}::int[])`;
  }

  let commentNumber = 0;
  const commentRows = posts
    .map((post, i) => ({ ...post, comments: postRows[i]!.comments }))
    .filter((post) => post.status === "PUBLISHED")
    .flatMap((post, p) =>
      Array.from({ length: post.comments }, (_, c) => ({
        postId: post.id,
        authorId: users[(p + c + 1) % users.length]!.id,
        body: `${capitalize(sentence(random, 12))}.`,
        createdAt: new Date(BASE_TIME + 2 * 86_400_000 + (commentNumber += 1) * 1_000),
      })),
    );
  for (const chunk of chunks(commentRows, CHUNK * 2)) {
    await prisma.$executeRaw`
      INSERT INTO comments (post_id, author_id, body, created_at)
      SELECT * FROM unnest(${chunk.map((row) => row.postId)}::int[], ${chunk.map((row) => row.authorId)}::int[],
                           ${chunk.map((row) => row.body)}::text[], ${chunk.map((row) => iso(row.createdAt))}::timestamp(3)[])`;
  }

  // A fresh load: without this the planner still believes the tables are
  // empty, and may walk every comment of a deep post to find one page.
  await refreshStatistics(prisma, ["users", "profiles", "credit_accounts", "tags", "posts", "post_tags", "comments"]);
  return { users: users.length, posts: posts.length, comments: commentRows.length, tags: tags.length };
}

/** Timestamps go in as UTC text: the columns are `timestamp(3)` holding UTC, as Prisma writes them. */
function iso(date: Date | null): string | null {
  return date ? date.toISOString().replace("Z", "") : null;
}

function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A small seeded PRNG, so seed data is the same on every machine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
