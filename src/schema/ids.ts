import { decodeGlobalID } from "@pothos/plugin-relay";
import { isObjectType, type GraphQLSchema } from "graphql";
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

/**
 * The integer key behind the id part of a global id, written as Inkwell
 * writes it: `Post:01` is not `Post:1` under another name.
 */
export function toDatabaseId(raw: string | number, typename: string, field = "id"): number {
  const id = typeof raw === "number" ? raw : /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(id) || id < 1 || id > MAX_INT4) throw invalidId(typename, field);
  return id;
}

/**
 * Checks an id that `node` or `nodes` decoded (plugin-relay decodes it
 * before the resolver runs) before anything loads it. An id whose type is
 * no Node of the schema is refused with the same message whatever the name
 * is (an enum, an interface, a payload, or no type at all), so that
 * `node(id:)` tells nobody which types exist when introspection is off.
 */
export function checkNodeId(id: { typename: string; id: string }, schema: GraphQLSchema, field: string): void {
  const type = schema.getType(id.typename);
  if (!isObjectType(type) || !type.getInterfaces().some((implemented) => implemented.name === "Node")) {
    throw new BadUserInputError(`"${field}" is not a valid id.`, field);
  }
  toDatabaseId(id.id, id.typename, field);
}

function invalidId(typename: string, field: string): BadUserInputError {
  return new BadUserInputError(`"${field}" is not a valid ${typename} id.`, field);
}
