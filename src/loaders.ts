import type { Viewer } from "./auth/tokens.js";
import type { Db } from "./db/client.js";
import { createPostCountByAuthorLoader, createVisiblePostLoader } from "./schema/post/loaders.js";
import { createPostCountByTagLoader, createVisibleTagLoader } from "./schema/tag/loaders.js";

/**
 * The request's batch loaders, for what plugin-prisma does not plan into
 * the parent query: aggregates and visibility checks. New ones for every request (and for every
 * mutation's transaction), so cached values never cross requests.
 */
export function createLoaders(db: Db, viewer: Viewer | null, options: LoaderOptions = { cache: true }) {
  return {
    postCountByAuthor: createPostCountByAuthorLoader(db, viewer, options),
    postCountByTag: createPostCountByTagLoader(db, options),
    visiblePost: createVisiblePostLoader(db, viewer, options),
    visibleTag: createVisibleTagLoader(db, viewer, options),
  };
}

/**
 * `cache: false` keeps batching but forgets answers once delivered. Inside
 * a mutation, root field 2 may change what field 1's payload already
 * counted, so a remembered count would be stale.
 */
export interface LoaderOptions {
  cache: boolean;
}

export type Loaders = ReturnType<typeof createLoaders>;
