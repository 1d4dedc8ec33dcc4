import type { CursorValue } from "./cursors.js";
import type { PageRow } from "./page-query.js";
import type { PageWindow } from "./window.js";

/**
 * The Relay connection for a page of rows read with one extra row beyond
 * the window, which only says whether more follow. Cursors are encoded when
 * a client reads them, not for every edge: most clients select `cursor` on
 * few edges or none, and a signed cursor costs an HMAC.
 */
export class Connection<Node> {
  constructor(
    readonly edges: Edge<Node>[],
    readonly pageInfo: PageInfo,
    /** Counts the whole list when a client asks (nested lists); absent for root lists. */
    readonly totalCount?: () => Promise<number>,
  ) {}
}

type Encode = (keys: readonly CursorValue[]) => string;

export class Edge<Node> {
  #cursor: string | undefined;

  constructor(
    readonly node: Node,
    private readonly keys: readonly CursorValue[],
    private readonly encode: Encode,
    /** What the edge carries besides its node (PageSource.edgeValues). */
    readonly values: Readonly<Record<string, unknown>>,
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
export function connectionOf<Node>(
  rows: readonly PageRow[],
  window: PageWindow,
  encode: Encode,
  totalCount?: () => Promise<number>,
): Connection<Node> {
  const more = rows.length > window.size;
  const page = more ? rows.slice(0, window.size) : [...rows];
  if (window.backward) page.reverse();
  const edges = page.map((row) => new Edge(row.node as Node, row.keys, encode, row.values));
  const pageInfo = window.backward ? new PageInfo(edges, window.before !== null, more) : new PageInfo(edges, more, window.after !== null);
  return new Connection(edges, pageInfo, totalCount);
}
