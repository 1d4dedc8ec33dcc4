import DataLoader from "dataloader";
import type { FieldNode } from "graphql";
import type { LoaderOptions } from "../loader-options.js";
import type { ListPlan } from "./plans.js";
import type { PageRow } from "./page-query.js";

/** A nested list's pages read ahead, in their parents' statement (src/read/prefetch.ts), by parent key. */
export interface PagesKeptAhead {
  readonly parentType: string;
  /** The list's arguments as the read ahead took them (listArgsKey). */
  readonly args: string;
  readonly pages: Map<number, PageRow[]>;
}

/**
 * The request's nested lists, one entry per list occurrence in the document:
 * its plan, and the batch loader every parent row at that place asks, which
 * reads the pages of all of them in one statement. Created lazily and thrown
 * away with the request.
 *
 * An occurrence is its field node (under its parent type): within one
 * request the variables are fixed, so the same field node always has the
 * same arguments and the same selection, and no key has to be built per
 * parent row.
 */
export interface NestedList<V> {
  readonly plan: ListPlan;
  readonly loader: DataLoader<number, V>;
}

export class PageLoaders {
  readonly #lists = new Map<FieldNode, Map<string, NestedList<unknown>>>();
  readonly #counters = new Map<FieldNode, Map<string, DataLoader<number, number>>>();
  readonly #ahead = new Map<FieldNode, PagesKeptAhead>();

  /** Keeps the pages of a list occurrence read ahead, for its resolver to take. */
  keepAhead(field: FieldNode, pages: PagesKeptAhead): void {
    this.#ahead.set(field, pages);
  }

  /**
   * The rows read ahead for this list occurrence, if they were read for
   * this parent with these arguments; undefined otherwise, and the list
   * loads its page itself. Kept for every time the parent occurs there: a
   * post under two tags of `tags { posts { comments } }` is one parent
   * twice, with one page, and a second take must not cost a statement that
   * only such data would send.
   */
  takeAhead(field: FieldNode, parentType: string, parentKey: number, args: string): PageRow[] | undefined {
    const kept = this.#ahead.get(field);
    if (!kept || kept.parentType !== parentType || kept.args !== args) return undefined;
    return kept.pages.get(parentKey);
  }

  /** The batch loader of a nested list's total counts, one per list occurrence like `list`. */
  counter(field: FieldNode, parentType: string, batch: (parentKeys: readonly number[]) => Promise<number[]>): DataLoader<number, number> {
    let byParent = this.#counters.get(field);
    if (!byParent) {
      byParent = new Map();
      this.#counters.set(field, byParent);
    }
    let counter = byParent.get(parentType);
    if (!counter) {
      counter = new DataLoader<number, number>(batch, this.options);
      byParent.set(parentType, counter);
    }
    return counter;
  }

  constructor(private readonly options: LoaderOptions) {}

  list<V>(
    field: FieldNode,
    parentType: string,
    plan: () => ListPlan,
    batch: (plan: ListPlan) => (parentKeys: readonly number[]) => Promise<V[]>,
  ): NestedList<V> {
    let byParent = this.#lists.get(field);
    if (!byParent) {
      byParent = new Map();
      this.#lists.set(field, byParent);
    }
    let list = byParent.get(parentType) as NestedList<V> | undefined;
    if (!list) {
      const planned = plan();
      list = { plan: planned, loader: new DataLoader<number, V>(batch(planned), this.options) };
      byParent.set(parentType, list as NestedList<unknown>);
    }
    return list;
  }
}
