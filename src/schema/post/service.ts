import { randomBytes } from "node:crypto";
import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { databaseFault, expectedError, ForbiddenError, NotFoundError, type ErrorCode } from "../../errors.js";
import { multiLineText, singleLineText, TEXT_LIMITS } from "../text.js";
import { normalizeTagNames } from "../tag/service.js";
import { canEditPost, visiblePosts } from "./access.js";
import type { MutationWork } from "../mutation-work.js";
import type { DomainEvent } from "../../events/events.js";

/**
 * Post writes. Plain functions over a `db` (the mutation's transaction) so
 * scripts and jobs can call them too. Each takes the Prisma `query` that
 * plugin-prisma planned for the returned post, so the write and the read of
 * its payload are one round trip.
 */
type PostQuery = { include?: Prisma.PostInclude; select?: Prisma.PostSelect };

export interface CreatePostInput {
  title: string;
  body: string;
  tags?: readonly string[] | null;
}

export interface UpdatePostInput {
  title?: string | null;
  body?: string | null;
  tags?: readonly string[] | null;
}


export async function createPost(
  db: Db,
  viewer: Viewer,
  input: CreatePostInput,
  query: PostQuery = {},
  // `field` prefixes the names of fields in errors; `slug` is kept as given (importPosts), and the database checks it.
  { field = "input", slug }: { field?: string; slug?: string | null } = {},
) {
  const title = validTitle(input.title, `${field}.title`);
  const body = validBody(input.body, `${field}.body`);
  const tags = normalizeTagNames(input.tags ?? [], `${field}.tags`);
  const post = await db.post.create({
    ...query,
    data: {
      title,
      body,
      slug: slug ?? slugFor(title),
      authorId: viewer.id, // the foreign key, not `connect`, which would look the user up first
      tagLinks: { create: await tagLinksFor(db, tags) },
    },
  });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "post.create",
    entityType: "Post",
    entityId: post.id,
    data: { title, slug: post.slug, tags },
  });
  return post;
}

export async function updatePost(db: Db, viewer: Viewer, id: number, input: UpdatePostInput, query: PostQuery = {}) {
  const existing = await findEditablePost(db, viewer, id);
  const data: Prisma.PostUpdateInput = {};
  if (input.title != null) {
    data.title = validTitle(input.title, "input.title");
    // A published post keeps its slug, so links to it keep working.
    if (existing.status === "DRAFT" && data.title !== existing.title) data.slug = slugFor(data.title);
  }
  if (input.body != null) data.body = validBody(input.body, "input.body");
  let tags: string[] | undefined;
  if (input.tags != null) {
    tags = normalizeTagNames(input.tags, "input.tags");
    data.tagLinks = { deleteMany: {}, create: await tagLinksFor(db, tags) };
  }
  const post = await db.post.update({ ...query, where: { id }, data });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "post.update",
    entityType: "Post",
    entityId: id,
    data: { fields: Object.keys(data), ...(tags ? { tags } : {}) },
  });
  return post;
}

export async function publishPost({ tx: db, viewer, announce }: MutationWork, id: number, query: PostQuery = {}) {
  const existing = await findEditablePost(db, viewer, id);
  if (existing.status === "PUBLISHED") {
    // Publishing is idempotent: a retried request gets the post, not an error.
    return db.post.findUniqueOrThrow({ ...query, where: { id } });
  }
  const post = await db.post.update({ ...query, where: { id }, data: { status: "PUBLISHED", publishedAt: new Date() } });
  await recordAuditEvent(db, { actorId: viewer.id, action: "post.publish", entityType: "Post", entityId: id });
  announce({ kind: "postPublished", postId: id, authorId: existing.authorId });
  return post;
}

export async function deletePost({ tx: db, viewer, announce }: MutationWork, id: number): Promise<void> {
  const existing = await findEditablePost(db, viewer, id);
  await db.post.delete({ where: { id } });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "post.delete",
    entityType: "Post",
    entityId: id,
    data: { slug: existing.slug, title: existing.title },
  });
  announce({ kind: "postWithdrawn", postId: id });
}

/** Someone else's draft is NOT_FOUND (its existence is private); someone else's published post is FORBIDDEN. */
async function findEditablePost(db: Db, viewer: Viewer, id: number) {
  const post = await db.post.findFirst({
    where: { id, AND: [visiblePosts(viewer)] },
    select: { id: true, authorId: true, status: true, title: true, slug: true },
  });
  if (!post) throw new NotFoundError("Post");
  if (!canEditPost(viewer, post)) throw new ForbiddenError("Only the author of this post may change it.");
  return post;
}

/**
 * Links to the named tags, creating the ones that do not exist yet. Race-free:
 * two posts introducing the same new tag at once both get it, because the
 * insert skips a name another transaction inserted (ON CONFLICT waits for
 * that transaction, then does nothing) and the ids are read afterwards.
 */
async function tagLinksFor(db: Db, names: readonly string[]): Promise<Prisma.PostTagUncheckedCreateWithoutPostInput[]> {
  if (!names.length) return [];
  await db.$executeRaw`INSERT INTO "tags" ("name") SELECT unnest(${names}::text[]) ON CONFLICT ("name") DO NOTHING`;
  const tags = await db.tag.findMany({ where: { name: { in: [...names] } }, select: { id: true } });
  return tags.map((tag) => ({ tagId: tag.id }));
}

function validTitle(raw: string, field: string): string {
  return singleLineText(raw, field, "A title", TEXT_LIMITS.title);
}

function validBody(raw: string, field: string): string {
  // Leading indentation and trailing lines are the writer's; only the check for visible text trims.
  return multiLineText(raw, field, "A body", TEXT_LIMITS.postBody, { trim: false });
}

export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

/**
 * The title's slug with a random suffix, always: a suffix added only when
 * the plain slug is taken would tell anyone that a post they cannot see has
 * that title. 40 random bits make two posts with the same title (even at the
 * same moment) collide about once in a trillion pairs; the unique index would
 * answer such a collision with CONFLICT.
 */
function slugFor(title: string): string {
  const suffix = BigInt(`0x${randomBytes(5).toString("hex")}`).toString(36).padStart(8, "0");
  return `${slugify(title) || "post"}-${suffix}`;
}

/** At most this many posts in one importPosts. */
export const MAX_IMPORT_ITEMS = 100;

export interface ImportItem extends CreatePostInput {
  slug?: string | null;
  publish?: boolean | null;
}

export type ImportResult =
  | { index: number; postId: number; error?: undefined }
  | { index: number; postId?: undefined; error: { code: ErrorCode; message: string; field: string | null } };

/**
 * Imports posts one by one, each inside its own savepoint (a nested
 * `$transaction`, which Prisma runs as SAVEPOINT / RELEASE, or ROLLBACK TO
 * when the item fails): a bad item is undone alone and reported in its
 * place; the others stay. Anything that is not the item's fault (the
 * database gone, a write conflict) fails the whole operation, whose unit of
 * work then rolls back every item.
 */
export async function importPosts({ tx: db, sql, viewer, announce }: MutationWork, items: readonly ImportItem[]): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const [index, item] of items.entries()) {
    const field = `input.posts.${index}`;
    // An item's events count only if its savepoint was kept.
    const itemEvents: DomainEvent[] = [];
    try {
      const post = await db.$transaction(async (tx) => {
        const created = await createPost(tx, viewer, item, { select: { id: true } }, { field, slug: item.slug });
        // The same connection: what `sql` sends runs inside the item's savepoint too.
        const itemWork = { tx, sql, viewer, announce: (event: DomainEvent) => void itemEvents.push(event) };
        if (item.publish) await publishPost(itemWork, created.id, { select: { id: true } });
        return created;
      });
      itemEvents.forEach(announce);
      results.push({ index, postId: post.id });
    } catch (error) {
      const itemError = itemErrorOf(error, field);
      if (!itemError) throw error;
      results.push({ index, error: itemError });
    }
  }
  return results;
}

/** The item's own fault, as a client would be told it; null for anything else. */
function itemErrorOf(error: unknown, field: string): { code: ErrorCode; message: string; field: string | null } | null {
  if (databaseFault(error)) return null;
  const constraint = checkViolation(error);
  if (constraint) return { code: "BAD_USER_INPUT", message: `The ${constraint} is not valid.`, field: `${field}.${constraint}` };
  const shape = expectedError(error);
  if (!shape) return null;
  const named = shape.extensions.field as string | undefined;
  // Unique violations name the column ("slug"); input checks already name the item's field.
  const itemField = named ? (named.startsWith(field) ? named : `${field}.${named}`) : null;
  return { code: shape.extensions.code, message: shape.message, field: itemField };
}

/** The column a CHECK constraint (`posts_slug_format`) guards, when that is what failed (SQLSTATE 23514). */
function checkViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  const text = `${error.message} ${JSON.stringify(error.meta ?? {})}`;
  if (error.code !== "P2004" && !/23514|check constraint/i.test(text)) return null;
  return text.match(/posts_(\w+?)_format/)?.[1] ?? "value";
}
