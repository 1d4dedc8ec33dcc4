import { randomBytes } from "node:crypto";
import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { ForbiddenError, NotFoundError } from "../../errors.js";
import { multiLineText, singleLineText, TEXT_LIMITS } from "../text.js";
import { normalizeTagNames } from "../tag/service.js";
import { canEditPost, visiblePosts } from "./visibility.js";

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


export async function createPost(db: Db, viewer: Viewer, input: CreatePostInput, query: PostQuery = {}) {
  const title = validTitle(input.title, "input.title");
  const body = validBody(input.body, "input.body");
  const tags = normalizeTagNames(input.tags ?? [], "input.tags");
  const post = await db.post.create({
    ...query,
    data: {
      title,
      body,
      slug: await uniqueSlug(db, title),
      authorId: viewer.id, // the foreign key, not `connect`, which would look the user up first
      tagLinks: { create: tagLinksFor(tags) },
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
    if (existing.status === "DRAFT" && data.title !== existing.title) data.slug = await uniqueSlug(db, data.title, id);
  }
  if (input.body != null) data.body = validBody(input.body, "input.body");
  let tags: string[] | undefined;
  if (input.tags != null) {
    tags = normalizeTagNames(input.tags, "input.tags");
    data.tagLinks = { deleteMany: {}, create: tagLinksFor(tags) };
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

export async function publishPost(db: Db, viewer: Viewer, id: number, query: PostQuery = {}) {
  const existing = await findEditablePost(db, viewer, id);
  if (existing.status === "PUBLISHED") {
    // Publishing is idempotent: a retried request gets the post, not an error.
    return db.post.findUniqueOrThrow({ ...query, where: { id } });
  }
  const post = await db.post.update({ ...query, where: { id }, data: { status: "PUBLISHED", publishedAt: new Date() } });
  await recordAuditEvent(db, { actorId: viewer.id, action: "post.publish", entityType: "Post", entityId: id });
  return post;
}

export async function deletePost(db: Db, viewer: Viewer, id: number): Promise<void> {
  const existing = await findEditablePost(db, viewer, id);
  await db.post.delete({ where: { id } });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "post.delete",
    entityType: "Post",
    entityId: id,
    data: { slug: existing.slug, title: existing.title },
  });
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

/** Links to the named tags, creating the ones that do not exist yet. */
function tagLinksFor(names: readonly string[]): Prisma.PostTagCreateWithoutPostInput[] {
  return names.map((name) => ({ tag: { connectOrCreate: { where: { name }, create: { name } } } }));
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
 * The title's slug, or, when another post has it, the slug with a short
 * random suffix. One indexed lookup; two posts racing for the same new slug
 * end in a unique violation, which the client sees as CONFLICT.
 */
async function uniqueSlug(db: Db, title: string, exceptPostId?: number): Promise<string> {
  const base = slugify(title) || "post";
  const holder = await db.post.findUnique({ where: { slug: base }, select: { id: true } });
  if (!holder || holder.id === exceptPostId) return base;
  return `${base}-${randomBytes(4).toString("hex")}`;
}
