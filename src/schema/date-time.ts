import { GraphQLError, GraphQLScalarType, type ValueNode } from "graphql";
import { DateTimeResolver } from "graphql-scalars";

const EARLIEST = "0001-01-01T00:00:00Z";
const LATEST = "9999-12-31T23:59:59.999Z";
const EARLIEST_MS = Date.parse(EARLIEST);
const LATEST_MS = Date.parse(LATEST);

/**
 * RFC 3339 allows the year 0000 and offsets that carry an instant across
 * the year 0001 or 9999 in UTC, and graphql-scalars accepts them. PostgreSQL
 * has no year 0, and the SQL the reads send writes an instant as ISO text
 * with a four-digit year, so such an input used to reach the database and
 * fail there as an internal error. Every DateTime input is held here to the
 * years 0001 to 9999 in UTC, a client's mistake answered as one (at the
 * literal, `node`, when the value is written in the document).
 */
function withinRange(date: Date, node?: ValueNode): Date {
  const time = date.getTime();
  if (time < EARLIEST_MS || time > LATEST_MS) {
    throw new GraphQLError(`DateTime cannot represent ${date.toISOString()}: it must be from ${EARLIEST} to ${LATEST}.`, { nodes: node });
  }
  return date;
}

/** graphql-scalars' DateTime, whose inputs are instants PostgreSQL's timestamps and the reads' SQL both hold. */
export const DateTime = new GraphQLScalarType<Date, Date>({
  ...DateTimeResolver.toConfig(),
  description: `${DateTimeResolver.description} An input is an instant from ${EARLIEST} to ${LATEST}.`,
  parseValue: (value) => withinRange(DateTimeResolver.parseValue(value)),
  parseLiteral: (ast, variables) => withinRange(DateTimeResolver.parseLiteral(ast, variables), ast),
});
