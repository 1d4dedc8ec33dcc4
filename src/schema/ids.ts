import { decodeGlobalID } from "@pothos/plugin-relay";
import { BadUserInputError } from "../errors.js";

const MAX_INT4 = 2_147_483_647;

/**
 * The database id inside a Relay global id of the expected type. Anything
 * else (not base64, another type, not a positive integer) is bad input that
 * names the argument it came from.
 */
export function databaseIdOf(globalId: string, typename: string, field: string): number {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw invalidId(typename, field);
  }
  if (decoded.typename !== typename) throw invalidId(typename, field);
  return toDatabaseId(decoded.id, typename, field);
}

/** The integer key behind the id part of a global id (already decoded by the Relay plugin for `node`). */
export function toDatabaseId(raw: string | number, typename: string, field = "id"): number {
  const id = typeof raw === "number" ? raw : /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(id) || id < 1 || id > MAX_INT4) throw invalidId(typename, field);
  return id;
}

function invalidId(typename: string, field: string): BadUserInputError {
  return new BadUserInputError(`"${field}" is not a valid ${typename} id.`, field);
}
