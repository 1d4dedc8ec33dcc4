import { builder } from "../../builder.js";
import { Edge } from "../../read/connection.js";
import { PostStatus as PostStatusValues } from "../../db/generated/prisma/enums.js";
import { nestedListField } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { Tag } from "../tag/types.js";
import { totalCountField } from "../connections.js";
import { TEXT_LIMITS } from "../text.js";
import { User } from "../user/types.js";
import { postsOfAuthor, postsOfTag, TAG_FILTER_DESCRIPTION } from "./lists.js";
import { canCommentOn } from "../comment/access.js";
import { canEditPost } from "./access.js";

export const PostStatus = builder.enumType(PostStatusValues, { name: "PostStatus" });

export const PostOrder = builder.enumType("PostOrder", {
  values: {
    NEWEST: { description: "Most recently published first." },
    OLDEST: { description: "Earliest published first." },
    MOST_COMMENTED: { description: "Most comments first; ties broken newest first." },
  } as const,
});

export const PostFilter = builder.inputType("PostFilter", {
  fields: (t) => ({
    authorHandle: t.string({ description: "Only this writer's posts; the handle ignores case. Blank: any writer.", extensions: { maxLength: TEXT_LIMITS.handle } }),
    tag: t.string({ description: TAG_FILTER_DESCRIPTION, extensions: { maxLength: TEXT_LIMITS.tag } }),
    search: t.string({
      description: 'Full-text search of title and body, in English with stemming ("running" finds "run"); web-search syntax: "quoted phrases", or, -not. Blank: no search.',
      extensions: { maxLength: TEXT_LIMITS.search },
    }),
    publishedAfter: t.field({ type: "DateTime" }),
    publishedBefore: t.field({ type: "DateTime" }),
  }),
});

const EXCERPT_LENGTH = 200;

export const Post = builder.prismaNode("Post", {
  id: { field: "id" },
  // Select mode with the small, cheap columns at type level: a post row
  // always carries them (status and authorId also serve the visibility
  // check), so their fields read the row directly, while a field with a
  // select of its own costs plugin-prisma a lookup for every row. The body
  // (large) and the timestamps (costly to parse) are read only when asked.
  select: { id: true, authorId: true, status: true, title: true, slug: true, commentCount: true },
  // node(id) returns null for a post the viewer may not see (src/schema/node-visibility.ts).
  nullable: true,
  fields: (t) => ({
    slug: t.string({ resolve: (post) => post.slug }),
    title: t.string({ resolve: (post) => post.title }),
    body: t.exposeString("body"),
    excerpt: t.string({
      description: `The body's first ${EXCERPT_LENGTH} characters, cut at a word boundary.`,
      select: { body: true },
      resolve: (post) => excerptOf(post.body),
    }),
    status: t.field({ type: PostStatus, resolve: (post) => post.status }),
    author: t.relation("author"),
    tags: t.field({
      type: [Tag],
      description: "By name.",
      // Through the post_tags join model; its rows are planned into the post's query.
      select: (_args, _ctx, nestedSelection) => ({ tagLinks: { select: { tag: nestedSelection(true) } } }),
      resolve: (post) => post.tagLinks.map((link) => link.tag).sort((a, b) => (a.name < b.name ? -1 : 1)),
    }),
    commentCount: t.int({ resolve: (post) => post.commentCount }),
    // What the viewer may do, so a client shows only the buttons that work. Each is the
    // same rule the mutation checks, read from columns every post row carries.
    viewerCanEdit: t.boolean({
      description: "Whether updatePost and publishPost would accept this post from the viewer.",
      resolve: (post, _args, ctx) => ctx.viewer !== null && canEditPost(ctx.viewer, post),
    }),
    viewerCanDelete: t.boolean({
      description: "Whether deletePost would accept this post from the viewer.",
      resolve: (post, _args, ctx) => ctx.viewer !== null && canEditPost(ctx.viewer, post),
    }),
    viewerCanComment: t.boolean({
      description: "Whether addComment would accept a comment on this post from the viewer: signed in, and the post published.",
      resolve: (post, _args, ctx) => canCommentOn(ctx.viewer, post),
    }),
    publishedAt: t.expose("publishedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const PostEdge = builder.edgeObject({ type: Post, name: "PostEdge" });

export const PostConnection = builder.connectionObject(
  { type: Post, name: "PostConnection", fields: (t) => ({ totalCount: t.int(totalCountField) }) },
  PostEdge,
);

// The lists of posts under other types live with the posts they return.
builder.prismaObjectFields(User, (t) => ({
  posts: t.connection({
    type: Post,
    description: `Newest first. Drafts appear only to their author. ${PAGING_RULES}`,
    args: { status: t.arg({ type: PostStatus }) },
    ...nestedListField(postsOfAuthor, Post),
  }, PostConnection),
}));

builder.prismaObjectFields(Tag, (t) => ({
  posts: t.connection({
    type: Post,
    description: `Published posts, newest first. ${PAGING_RULES}`,
    ...nestedListField(postsOfTag, Post),
  }, PostConnection),
}));

export function excerptOf(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH + 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > EXCERPT_LENGTH / 2 ? lastSpace : EXCERPT_LENGTH).trimEnd()}…`;
}

export const PostSearchConnection = builder.connectionObject(
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
