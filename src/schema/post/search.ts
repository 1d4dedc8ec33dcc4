import { builder } from "../../builder.js";
import { Edge } from "../../read/connection.js";
import { MAX_CURSOR_LENGTH } from "../../read/cursors.js";
import { rootListResolver } from "../../read/lists.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../read/window.js";
import { TEXT_LIMITS } from "../text.js";
import { postSearch } from "./lists.js";
import { Post } from "./types.js";


const PostSearchConnection = builder.connectionObject(
  { type: Post, name: "PostSearchConnection" },
  {
    name: "PostSearchEdge",
    fields: (t) => ({
      rank: t.float({
        description: "How well the post matches (ts_rank: title words weigh more than body words); edges come best first.",
        resolve: (edge) => valuesOf(edge).rank as number,
      }),
      highlight: t.string({
        description: "A short excerpt of the body with the matching words between <mark> and </mark>. The rest is HTML-escaped, so it can be shown as HTML.",
        resolve: (edge) => valuesOf(edge).highlight as string,
      }),
    }),
  },
);

/** The rank and excerpt a search edge carries (PageSource.edgeValues of postSearch). */
function valuesOf(edge: object): Readonly<Record<string, unknown>> {
  return edge instanceof Edge ? edge.values : {};
}

builder.queryFields((t) => ({
  // A field of the connection type rather than t.connection, which would add
  // `last` and `before`: ranked matches page forward only, and an argument
  // that always fails is not offered.
  search: t.field({
    type: PostSearchConnection,
    description:
      `Full-text search of published posts (title and body, English, with stemming), best match first. ` +
      `Web-search syntax: "a phrase", this or that, -without; nothing in it is an error. ` +
      `Pages forward only: \`first\` (${DEFAULT_PAGE_SIZE} by default, ${MAX_PAGE_SIZE} at most) and \`after\`.`,
    args: {
      query: t.arg.string({ required: true, extensions: { maxLength: TEXT_LIMITS.search } }),
      first: t.arg.int({ description: `How many matches (${DEFAULT_PAGE_SIZE} by default, ${MAX_PAGE_SIZE} at most).` }),
      after: t.arg.string({ description: "The endCursor of the page before.", extensions: { maxLength: MAX_CURSOR_LENGTH } }),
    },
    resolve: rootListResolver(postSearch, Post),
  }),
}));
