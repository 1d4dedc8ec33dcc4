import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type pg from "pg";

/**
 * adapter-pg for the schema engine, with one difference: a migration script
 * goes to PostgreSQL whole, as one simple-protocol query, the way psql and
 * Prisma's native engine send it. adapter-pg splits scripts at every
 * semicolon, which cuts a function body (`$$ … ; … $$`) into pieces; sent
 * whole, a migration also runs as one implicit transaction, so a failed one
 * leaves nothing half-applied.
 */
export function postgresMigrationAdapter(pool: pg.Pool, schema = "public"): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPg(pool, { schema });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withWholeScripts(await inner.connect(), pool),
    connectToShadowDb: async () => withWholeScripts(await inner.connectToShadowDb(), pool),
  };
}

function withWholeScripts(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      const cause = error as pg.DatabaseError;
      if (typeof cause.code !== "string") throw error;
      throw new DriverAdapterError({
        kind: "postgres",
        code: cause.code,
        severity: cause.severity ?? "ERROR",
        message: cause.message,
        detail: cause.detail,
        column: cause.column,
        hint: cause.hint,
      });
    }
  };
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === "executeScript") return executeScript;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
