import type { Plugin } from "graphql-yoga";
import { NotReadyError } from "../db/readiness.js";
import { DatabaseNotMigratedError } from "../errors.js";

/**
 * Refuses GraphQL requests with 503 DATABASE_NOT_MIGRATED while the
 * database lacks a migration this code expects, instead of letting each
 * one fail on a missing table as "Unexpected error.". A PostgreSQL server
 * is migrated by a deploy step (`npm run db:migrate`) that may run after
 * the server starts, so an unmigrated database is checked again on the
 * next request (concurrent requests share one check); once it is migrated,
 * the gate costs nothing. A check that fails for another reason (the
 * database is down) lets the request through, to meet that fault and its
 * own code.
 */
export function useMigrationGate(check: () => Promise<void>, { migrated }: { migrated: boolean }): Plugin {
  let running: Promise<void> | undefined;
  const recheck = () =>
    check().then(
      () => {
        migrated = true;
      },
      (error: unknown) => {
        if (error instanceof NotReadyError) throw new DatabaseNotMigratedError();
      },
    );
  return {
    onParams() {
      if (migrated) return;
      running ??= recheck().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
