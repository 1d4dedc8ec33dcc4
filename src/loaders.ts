import type { Viewer } from "./auth/tokens.js";
import type { Db } from "./db/client.js";
import { createPostCountByAuthorLoader } from "./schema/post/loaders.js";
import { createPostCountByTagLoader } from "./schema/tag/loaders.js";

/**
 * The request's batch loaders, for what plugin-prisma does not plan into
 * the parent query: aggregates. New ones for every request (and for every
 * mutation's transaction), so cached values never cross requests.
 */
export function createLoaders(db: Db, viewer: Viewer | null) {
  return {
    postCountByAuthor: createPostCountByAuthorLoader(db, viewer),
    postCountByTag: createPostCountByTagLoader(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
