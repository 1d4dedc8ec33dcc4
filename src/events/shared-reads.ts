/**
 * Reads the subscribers of one process share. The subscribers of one post
 * are woken by the same event and ask for the same rows: that post's
 * comments after the same position, with the same planned selection (Yoga
 * hands every request for the same document the same parsed document, and
 * the read library plans it once). While one such read is in flight, the
 * others wait for its answer instead of sending their own: one statement per
 * event per process, whatever the number of subscribers, as Hasura batches
 * its subscribers' reads. Only reads whose SQL does not depend on the
 * viewer are shared; each subscriber still checks its own access, and gets
 * its own copy of the rows.
 *
 * Nothing is kept after a read settles: a subscriber that asks later reads
 * again, so no answer is older than the event that asked for it.
 */
export class SharedReads {
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;

  /** A key part for an object (a compiled selection): the same object, the same part. */
  idOf(value: object): number {
    let id = this.#ids.get(value);
    if (id === undefined) this.#ids.set(value, (id = this.#nextId++));
    return id;
  }

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.#inFlight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load().finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }
}
