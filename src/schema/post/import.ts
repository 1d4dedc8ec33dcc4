import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { databaseFault, expectedError, type ErrorCode } from "../../errors.js";
import { createPost, publishPost, type CreatePostInput } from "./service.js";

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
export async function importPosts(db: Db, viewer: Viewer, items: readonly ImportItem[]): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const [index, item] of items.entries()) {
    const field = `input.posts.${index}`;
    try {
      const post = await db.$transaction(async (tx) => {
        const created = await createPost(tx, viewer, item, { select: { id: true } }, { field, slug: item.slug });
        if (item.publish) await publishPost(tx, viewer, created.id, { select: { id: true } });
        return created;
      });
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
