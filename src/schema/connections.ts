import { Connection } from "../read/connection.js";

/**
 * `totalCount` for the connection types shared by root and nested lists.
 * A nested list (a user's posts or comments, a tag's posts, a post's
 * comments) is counted with the same rule as its pages, visibility and
 * filters included, for every parent at that place in one statement; it
 * costs what that parent's list holds, like the `postCount` fields. The
 * root lists (the feed, search, users) would cost as much as reading every
 * match, so there it is null.
 */
export const totalCountField = {
  nullable: true,
  description:
    "How many items the whole list has, counted with the same visibility rule and filters as its pages: given for lists under a user, a tag or a post; null for the root lists (posts, users, search), which are not counted.",
  resolve: (connection: object) => (connection instanceof Connection ? (connection.totalCount?.() ?? null) : null),
} as const;
