import { Prisma } from "../db/generated/prisma/client.js";
import { sqlModel } from "../db/generated/sql-model.js";
import type { SqlModel, SqlModelEntry } from "./model-shape.js";


export type ModelName = keyof typeof sqlModel;

export function modelEntry(name: string): SqlModelEntry {
  const entry = (sqlModel as SqlModel)[name];
  if (!entry) throw new Error(`no model named ${name}`);
  return entry;
}

/**
 * A quoted identifier. Only names from the generated model and the code's
 * own aliases go through here, never client input.
 */
export function ident(name: string): Prisma.Sql {
  return Prisma.raw(`"${name.replace(/"/g, '""')}"`);
}

/** `alias.column`, both quoted. */
export function columnRef(alias: string, column: string): Prisma.Sql {
  return Prisma.raw(`"${alias}"."${column.replace(/"/g, '""')}"`);
}
