import type { PrismaClient } from "../db/generated/prisma/client.js";
import { Prisma } from "../db/generated/prisma/client.js";
import { refreshStatistics, type TableName } from "../db/statistics.js";
import { createProgress, type Progress } from "./progress.js";

/**
 * What every batch job shares: it walks its tables in keyset chunks of ids,
 * one short transaction per chunk, and saves its position in
 * job_checkpoints in that same transaction. Run again after Ctrl-C or a
 * crash, it continues after the last chunk that committed and does no row
 * twice; a finished run removes its checkpoint, so the next run starts over.
 */
export interface JobPhase {
  /** What the phase walks, for the progress bar and the counts, like `posts.comment_count`. */
  name: string;
  /** The tables its chunks write, cascades and triggers included: their statistics are refreshed after a run that changed rows. */
  writes: readonly TableName[];
  /** How many rows the phase will look at, for the progress bar. */
  total(prisma: PrismaClient, params: JobParams): Promise<number>;
  /**
   * One chunk: the rows with ids after `after`, at most `size` of them.
   * Returns the last id looked at, how many rows it looked at, and how many
   * it changed; null when no rows are left.
   */
  chunk(tx: Prisma.TransactionClient, chunk: { after: number; size: number; params: JobParams }): Promise<{ upTo: number; rows: number; changed: number } | null>;
}

/** A job's settings, fixed by its first run: a resumed run keeps them (a cutoff date, say), so it finishes the same work. */
export type JobParams = Record<string, string | number | boolean>;

interface Checkpoint {
  phase: string;
  /** The last id done in this phase. */
  lastId: number;
  rows: number;
  changed: Record<string, number>;
  params: JobParams;
}

export interface JobReport {
  /** Whether this run continued an interrupted one. */
  resumed: boolean;
  /** The settings the work was done with (the first run's, when resumed). */
  params: JobParams;
  /** Rows looked at, across this run and the interrupted ones it continued. */
  rows: number;
  /** Rows changed per phase, likewise. */
  changed: Record<string, number>;
  /** Chunks this run committed. */
  chunks: number;
  interrupted: boolean;
  /** The tables this run changed rows in, whose statistics it refreshed (ANALYZE) on its way out. */
  analyzed: TableName[];
}

export interface JobOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  progress?: (label: string, total: number) => Progress;
}

export async function runChunkedJob(
  prisma: PrismaClient,
  job: { name: string; phases: readonly JobPhase[]; params?: JobParams },
  { chunkSize = 1_000, signal, progress = (label, total) => createProgress(label, total) }: JobOptions = {},
): Promise<JobReport> {
  const saved = await prisma.jobCheckpoint.findUnique({ where: { name: job.name } });
  const names = job.phases.map((phase) => phase.name);
  let position: Checkpoint = (saved?.position as unknown as Checkpoint | undefined) ?? {
    phase: names[0]!,
    lastId: 0,
    rows: 0,
    changed: Object.fromEntries(names.map((name) => [name, 0])),
    params: job.params ?? {},
  };
  // A run that rewrote many rows leaves the planner's statistics behind
  // (PGlite has no autovacuum to catch up): refreshed before the report,
  // interrupted or not, for what this run changed.
  const touched = new Set<TableName>();
  const report = async (interrupted: boolean): Promise<JobReport> => {
    await refreshStatistics(prisma, touched);
    return {
      resumed: Boolean(saved),
      params: position.params,
      rows: position.rows,
      changed: position.changed,
      chunks,
      interrupted,
      analyzed: [...touched],
    };
  };
  let chunks = 0;
  for (const phase of job.phases.slice(Math.max(0, names.indexOf(position.phase)))) {
    if (phase.name !== position.phase) position = { ...position, phase: phase.name, lastId: 0 };
    const bar = progress(`${job.name} ${phase.name}`, await phase.total(prisma, position.params));
    for (;;) {
      if (signal?.aborted) {
        bar.done();
        return report(true);
      }
      const next = await prisma.$transaction(async (tx) => {
        const done = await phase.chunk(tx, { after: position.lastId, size: chunkSize, params: position.params });
        if (!done) return null;
        const moved: Checkpoint = {
          ...position,
          lastId: done.upTo,
          rows: position.rows + done.rows,
          changed: { ...position.changed, [phase.name]: (position.changed[phase.name] ?? 0) + done.changed },
        };
        const json = moved as unknown as Prisma.InputJsonValue;
        await tx.jobCheckpoint.upsert({ where: { name: job.name }, create: { name: job.name, position: json }, update: { position: json } });
        bar.advance(done.rows);
        return moved;
      });
      if (!next) break;
      if ((next.changed[phase.name] ?? 0) > (position.changed[phase.name] ?? 0)) for (const table of phase.writes) touched.add(table);
      position = next;
      chunks += 1;
    }
    bar.done();
  }
  await prisma.jobCheckpoint.deleteMany({ where: { name: job.name } });
  return report(false);
}
