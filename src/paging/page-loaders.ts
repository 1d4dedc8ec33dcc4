import DataLoader from "dataloader";
import type { LoaderOptions } from "../loaders.js";

/**
 * The request's batch loaders for nested lists, one per list occurrence in
 * the document (its path and arguments): every parent row at that place asks
 * its loader, and the loader reads the pages of all of them in one
 * statement. Created lazily and thrown away with the request.
 */
export class PageLoaders {
  readonly #loaders = new Map<string, DataLoader<number, unknown>>();

  constructor(private readonly options: LoaderOptions) {}

  loader<V>(key: string, batch: (parentKeys: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
    let loader = this.#loaders.get(key) as DataLoader<number, V> | undefined;
    if (!loader) {
      loader = new DataLoader<number, V>(batch, this.options);
      this.#loaders.set(key, loader as DataLoader<number, unknown>);
    }
    return loader;
  }
}
