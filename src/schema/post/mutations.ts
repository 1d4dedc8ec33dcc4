import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { inWork } from "../mutation-work.js";
import { databaseIdOf } from "../ids.js";
import { TEXT_LIMITS } from "../text.js";
import { createPost, deletePost, importPosts, MAX_IMPORT_ITEMS, publishPost, updatePost, type ImportResult } from "./service.js";
import type { ErrorCode as ErrorCodeValue } from "../../errors.js";
import { ErrorCode } from "../errors.js";

const TITLE = { description: "Visible text on one line.", extensions: { maxLength: TEXT_LIMITS.title } } as const;
const BODY = { extensions: { maxLength: TEXT_LIMITS.postBody } } as const;
const TAGS = { extensions: { maxItems: TEXT_LIMITS.tagsPerPost, maxLength: TEXT_LIMITS.tag } } as const;

const CreatePostInput = builder.inputType("CreatePostInput", {
  fields: (t) => ({
    title: t.string({ required: true, ...TITLE }),
    body: t.string({ required: true, ...BODY }),
    tags: t.stringList({ description: "Tag names (letters, digits, dashes); created when new.", ...TAGS }),
  }),
});

const UpdatePostInput = builder.inputType("UpdatePostInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string(TITLE),
    body: t.string(BODY),
    tags: t.stringList({ description: "Replaces all tags when given.", ...TAGS }),
  }),
});

builder.mutationFields((t) => ({
  createPost: t.prismaField({
    type: "Post",
    description: "Creates a draft.",
    args: { input: t.arg({ type: CreatePostInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => inWork(ctx, ({ tx, viewer }) => createPost(tx, viewer, input, query)),
  }),
  updatePost: t.prismaField({
    type: "Post",
    args: { input: t.arg({ type: UpdatePostInput, required: true }) },
    resolve: (query, _root, { input }, ctx) =>
      inWork(ctx, ({ tx, viewer }) => updatePost(tx, viewer, databaseIdOf(String(input.id), "Post", "input.id"), input, query)),
  }),
  publishPost: t.prismaField({
    type: "Post",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      inWork(ctx, (work) => publishPost(work, databaseIdOf(String(args.id), "Post", "id"), query)),
  }),
  deletePost: t.id({
    description: "Deletes a post with its comments; returns its id.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => inWork(ctx, async (work) => {
      const id = databaseIdOf(String(args.id), "Post", "id");
      await deletePost(work, id);
      return encodeGlobalID("Post", id);
    }),
  }),
}));

const ImportPostInput = builder.inputType("ImportPostInput", {
  fields: (t) => ({
    title: t.string({ required: true, description: "Visible text on one line.", extensions: { maxLength: TEXT_LIMITS.title } }),
    body: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.postBody } }),
    tags: t.stringList({ extensions: { maxItems: TEXT_LIMITS.tagsPerPost, maxLength: TEXT_LIMITS.tag } }),
    slug: t.string({
      description: "Keep this slug (lower-case words joined by hyphens) instead of making one from the title; it must be free.",
      extensions: { maxLength: TEXT_LIMITS.slug },
    }),
    publish: t.boolean({ description: "Publish it at once; a draft otherwise." }),
  }),
});

const ImportPostsInput = builder.inputType("ImportPostsInput", {
  fields: (t) => ({
    posts: t.field({ type: [ImportPostInput], required: true, extensions: { maxItems: MAX_IMPORT_ITEMS } }),
  }),
});

const ItemError = builder.objectRef<{ code: ErrorCodeValue; message: string; field: string | null }>("ItemError").implement({
  description: "Why one item of a batch was not done. The rest of the batch was.",
  fields: (t) => ({
    code: t.field({ type: ErrorCode, resolve: (error) => error.code }),
    message: t.exposeString("message"),
    field: t.exposeString("field", { nullable: true, description: "The input field at fault, like `input.posts.2.slug`." }),
  }),
});

const ImportPostResult = builder.objectRef<ImportResult>("ImportPostResult").implement({
  description: "What one item became: its post, or its error.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "The item's place in `input.posts`, from 0." }),
    post: t.prismaField({
      type: "Post",
      nullable: true,
      resolve: (query, result, _args, ctx) => (result.postId === undefined ? null : ctx.reader.prisma.post.findUnique({ ...query, where: { id: result.postId } })),
    }),
    error: t.field({ type: ItemError, nullable: true, resolve: (result) => result.error ?? null }),
  }),
});

const ImportPostsPayload = builder.objectRef<ImportResult[]>("ImportPostsPayload").implement({
  fields: (t) => ({
    results: t.field({ type: [ImportPostResult], description: "One per item, in the order given.", resolve: (results) => results }),
    importedCount: t.int({ resolve: (results) => results.filter((result) => result.postId !== undefined).length }),
    failedCount: t.int({ resolve: (results) => results.filter((result) => result.error).length }),
  }),
});

builder.mutationFields((t) => ({
  importPosts: t.field({
    type: ImportPostsPayload,
    description: `Creates up to ${MAX_IMPORT_ITEMS} posts, each on its own: a bad item is reported in its place and the others are kept. The whole operation still commits as one unit, or not at all when something other than an item fails.`,
    args: { input: t.arg({ type: ImportPostsInput, required: true }) },
    resolve: (_root, { input }, ctx) => inWork(ctx, (work) => importPosts(work, input.posts)),
  }),
}));
