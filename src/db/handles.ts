import type { PrismaClient } from "./generated/prisma/client.js";

/** A transaction's client, as `$transaction` hands it to its callback. */
export type PrismaTransaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
/** A client or a transaction on it: what data-access code is handed. */
export type Db = PrismaClient | PrismaTransaction;
