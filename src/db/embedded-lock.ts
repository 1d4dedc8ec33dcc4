import lockfile from "proper-lockfile";

/**
 * How long a lock outlives a process that died holding it. The holder
 * refreshes it every half of this; a process killed outright leaves a lock
 * that the next opener takes over once it is this old.
 */
const STALE_MS = 10_000;

/** Another process has the embedded database open: said in one sentence, for a person at a terminal. */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(dir: string) {
    super(
      `The embedded database in ${dir} is open in another process (a running Inkwell server?); ` +
        `stop that process first, or run both on PostgreSQL with DATABASE_URL.`,
    );
  }
}

/**
 * Takes the embedded database's directory for this process alone, and
 * returns what releases it. PGlite is PostgreSQL in one process: a second
 * process writing the same files corrupts them (it aborts with
 * "Aborted()" after the first one's next write), so every opener (the
 * server, migrations, seeds, jobs, exports) takes this lock first and a
 * second one is refused at once. `onLost` is told if the lock is taken
 * from under this process (its refresh failed for longer than STALE_MS).
 * The refresh runs on this thread's timers, as PGlite's statements do: one
 * statement that holds the thread past STALE_MS loses the lock.
 */
export async function lockEmbeddedDatabase(dir: string, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dir, { stale: STALE_MS, onCompromised: onLost });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new EmbeddedDatabaseInUseError(dir);
    throw error;
  }
}
