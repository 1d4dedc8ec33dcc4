import type { Viewer } from "./auth/tokens.js";
import type { Db } from "./db/client.js";
import type { LoaderOptions } from "./loader-options.js";
import { createVisiblePostLoader } from "./schema/post/loaders.js";
import { createVisibleTagLoader } from "./schema/tag/loaders.js";

/**
 * The request's batch loaders, for what plugin-prisma does not plan into
 * the parent query: visibility checks. New ones for every request (and for every
 * mutation's transaction), so cached values never cross requests.
 */
export function createLoaders(db: Db, viewer: Viewer | null, options: LoaderOptions = { cache: true }) {
  return {
    visiblePost: createVisiblePostLoader(db, viewer, options),
    visibleTag: createVisibleTagLoader(db, viewer, options),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
