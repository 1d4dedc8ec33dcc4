import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { inWork } from "../mutation-work.js";
import { databaseIdOf } from "../ids.js";
import { TEXT_LIMITS } from "../text.js";
import { createPost, deletePost, publishPost, updatePost } from "./service.js";

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
    resolve: (query, _root, { input }, ctx) => inWork(ctx, ({ tx, viewer }) =>
      updatePost(tx, viewer, databaseIdOf(String(input.id), "Post", "input.id"), input, query),
    ),
  }),
  publishPost: t.prismaField({
    type: "Post",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => inWork(ctx, ({ tx, viewer }) => publishPost(tx, viewer, databaseIdOf(String(args.id), "Post", "id"), query)),
  }),
  deletePost: t.id({
    description: "Deletes a post with its comments; returns its id.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => inWork(ctx, async ({ tx, viewer }) => {
      const id = databaseIdOf(String(args.id), "Post", "id");
      await deletePost(tx, viewer, id);
      return encodeGlobalID("Post", id);
    }),
  }),
}));
