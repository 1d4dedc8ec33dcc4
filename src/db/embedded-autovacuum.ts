import type { PGlite } from "@electric-sql/pglite";
import type { Logger } from "../logger.js";
import { isModelTable, quotedTables } from "./statistics.js";

/**
 * PostgreSQL's own autovacuum settings, at their defaults: a table is
 * vacuumed when its dead rows, or the rows inserted since its last vacuum,
 * pass a threshold plus a share of its rows, and analyzed when the rows
 * changed since its last analyze do.
 */
export const AUTOVACUUM_DEFAULTS = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
} as const;

/** What the statistics say about one table since it was last vacuumed and analyzed. */
export interface TableActivity {
  table: string;
  /** The planner's row count (`pg_class.reltuples`; 0 for a table never vacuumed or analyzed). */
  rows: number;
  deadRows: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
}

/** The upkeep one table is due. */
export interface TableUpkeep {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** The tables due a vacuum or an analyze, by autovacuum's rules. */
export function upkeepDue(tables: readonly TableActivity[]): TableUpkeep[] {
  const limits = AUTOVACUUM_DEFAULTS;
  const due: TableUpkeep[] = [];
  for (const { table, rows, deadRows, insertedSinceVacuum, modifiedSinceAnalyze } of tables) {
    const vacuum =
      deadRows > limits.vacuumThreshold + limits.vacuumScaleFactor * rows ||
      insertedSinceVacuum > limits.insertThreshold + limits.insertScaleFactor * rows;
    const analyze = modifiedSinceAnalyze > limits.analyzeThreshold + limits.analyzeScaleFactor * rows;
    if (vacuum || analyze) due.push({ table, vacuum, analyze });
  }
  return due;
}

/** The embedded database's autovacuum, running in the background until stopped. */
export interface EmbeddedAutovacuum {
  /** No round starts after this; resolves when the one running, if any, has ended. */
  stop(): Promise<void>;
}

/**
 * PGlite runs PostgreSQL in single-user mode, which has no autovacuum. On
 * the embedded database, then, nothing would ever reclaim dead rows or
 * refresh the planner's statistics: every comment rewrites its post's row
 * (the comment count, kept by a trigger), and 30,000 comments on the demo's
 * 24 posts grew the posts table with its indexes from 0.2 MB to 7.9 MB,
 * without end. This does autovacuum's work instead: every `intervalMs` it
 * reads the tables' activity and vacuums or analyzes the model's tables
 * that autovacuum would. Each statement queues behind whatever PGlite is
 * running (an open transaction included), like any other. A round that
 * fails is logged and the next one tries again.
 */
export function startEmbeddedAutovacuum(pglite: PGlite, logger: Logger, intervalMs: number): EmbeddedAutovacuum {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      running = vacuumDueTables(pglite, logger).then(schedule, (error: unknown) => {
        logger.warn("the embedded database's autovacuum round failed; the next one tries again", { error });
        schedule();
      });
    }, intervalMs);
    // A script that is done must not wait for the next round.
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function vacuumDueTables(pglite: PGlite, logger: Logger): Promise<TableUpkeep[]> {
  const startedAt = performance.now();
  // A backend publishes its counts at most once a second; read them whole.
  await pglite.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await pglite.query<TableActivity>(
    `SELECT s.relname AS "table", greatest(c.reltuples, 0)::float8 AS "rows", s.n_dead_tup::float8 AS "deadRows",
            s.n_ins_since_vacuum::float8 AS "insertedSinceVacuum", s.n_mod_since_analyze::float8 AS "modifiedSinceAnalyze"
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema()`,
  );
  const due = upkeepDue(rows.filter((row) => isModelTable(row.table)));
  for (const { table, vacuum, analyze } of due) {
    const command = vacuum ? (analyze ? "VACUUM (ANALYZE)" : "VACUUM") : "ANALYZE";
    await pglite.exec(`${command} ${quotedTables([table])}`);
  }
  if (due.length) {
    logger.info("embedded database vacuumed", {
      vacuumed: due.filter((upkeep) => upkeep.vacuum).map((upkeep) => upkeep.table),
      analyzed: due.filter((upkeep) => upkeep.analyze).map((upkeep) => upkeep.table),
      durationMs: Math.round(performance.now() - startedAt),
    });
  }
  return due;
}
