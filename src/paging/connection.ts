import type { CursorValue } from "./cursors.js";
import type { PageRow } from "./page-query.js";
import type { PageWindow } from "./window.js";

/**
 * The Relay connection for a page of rows read with one extra row beyond
 * the window, which only says whether more follow. Cursors are encoded when
 * a client reads them, not for every edge: most clients select `cursor` on
 * few edges or none, and a signed cursor costs an HMAC.
 */
export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
  /** Counts the whole list when a client asks (nested lists); absent for root lists. */
  totalCount?: () => Promise<number>;
}

type Encode = (keys: readonly CursorValue[]) => string;

export class Edge<Node> {
  #cursor: string | undefined;

  constructor(
    readonly node: Node,
    private readonly keys: readonly CursorValue[],
    private readonly encode: Encode,
  ) {}

  get cursor(): string {
    this.#cursor ??= this.encode(this.keys);
    return this.#cursor;
  }
}

export class PageInfo {
  constructor(
    private readonly edges: readonly Edge<unknown>[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/**
 * Relay's rules: paging forward, `hasNextPage` says whether rows follow the
 * page and `hasPreviousPage` whether it started after a cursor; backward, the
 * other way round. A backward page was read in reverse order and is put back
 * in list order here.
 */
export function connectionOf<Node>(rows: readonly PageRow[], window: PageWindow, encode: Encode): Connection<Node> {
  const more = rows.length > window.size;
  const page = more ? rows.slice(0, window.size) : [...rows];
  if (window.backward) page.reverse();
  const edges = page.map((row) => new Edge(row.node as Node, row.keys, encode));
  return {
    edges,
    pageInfo: window.backward
      ? new PageInfo(edges, window.before !== null, more)
      : new PageInfo(edges, more, window.after !== null),
  };
}
