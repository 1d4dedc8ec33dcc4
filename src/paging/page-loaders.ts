import DataLoader from "dataloader";
import type { LoaderOptions } from "../loaders.js";
import type { NodePlan } from "./node-plan.js";

/**
 * The request's nested lists, one entry per list occurrence in the document
 * (its place and its arguments): the plan of its nodes, made once, and the
 * batch loader every parent row at that place asks, which reads the pages of
 * all of them in one statement. Created lazily and thrown away with the
 * request.
 */
export interface NestedList<V> {
  readonly plan: NodePlan;
  readonly loader: DataLoader<number, V>;
}

export class PageLoaders {
  readonly #lists = new Map<string, NestedList<unknown>>();

  constructor(private readonly options: LoaderOptions) {}

  list<V>(key: string, plan: () => NodePlan, batch: (plan: NodePlan) => (parentKeys: readonly number[]) => Promise<V[]>): NestedList<V> {
    let list = this.#lists.get(key) as NestedList<V> | undefined;
    if (!list) {
      const planned = plan();
      list = { plan: planned, loader: new DataLoader<number, V>(batch(planned), this.options) };
      this.#lists.set(key, list as NestedList<unknown>);
    }
    return list;
  }
}
