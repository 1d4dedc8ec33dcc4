/**
 * Rows one at a time, read in keyset chunks of ids (exportPosts, the posts
 * exporter): the caller holds one chunk in memory however many rows there are, and a
 * consumer that stops early (an aborted request, Ctrl-C) stops the reads,
 * since the next chunk is read only when the last row of this one is taken
 * and `ready` (the response's demand, src/streaming/demand.ts) says so.
 */
export async function* streamInChunks<Row extends { id: number }>({
  readChunk,
  ready = async () => true,
}: {
  /** The next rows after `afterId`, ascending by id; fewer than `size` when none are left after them. */
  readChunk: (afterId: number) => Promise<{ rows: Row[]; full: boolean }>;
  /** Whether to read another chunk: false when nobody will take it. */
  ready?: () => Promise<boolean>;
}): AsyncGenerator<Row, void, undefined> {
  let afterId = 0;
  for (;;) {
    if (!(await ready())) return;
    const { rows, full } = await readChunk(afterId);
    yield* rows;
    if (!full || !rows.length) return;
    afterId = rows.at(-1)!.id;
  }
}
