import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { databaseIdOf } from "../ids.js";
import { inWork } from "../mutation-work.js";
import { TEXT_LIMITS } from "../text.js";
import { addComment, deleteComment, updateComment } from "./service.js";

const AddCommentInput = builder.inputType("AddCommentInput", {
  fields: (t) => ({
    postId: t.id({ required: true }),
    body: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.commentBody } }),
  }),
});

const UpdateCommentInput = builder.inputType("UpdateCommentInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    body: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.commentBody } }),
  }),
});

builder.mutationFields((t) => ({
  addComment: t.prismaField({
    type: "Comment",
    description: "Comments on a published post.",
    args: { input: t.arg({ type: AddCommentInput, required: true }) },
    resolve: (query, _root, { input }, ctx) =>
      inWork(ctx, (work) => addComment(work, databaseIdOf(String(input.postId), "Post", "input.postId"), input.body, query)),
  }),
  updateComment: t.prismaField({
    type: "Comment",
    description: "Rewrites a comment's body: its author (or an admin) only.",
    args: { input: t.arg({ type: UpdateCommentInput, required: true }) },
    resolve: (query, _root, { input }, ctx) =>
      inWork(ctx, ({ tx, viewer }) => updateComment(tx, viewer, databaseIdOf(String(input.id), "Comment", "input.id"), input.body, query)),
  }),
  deleteComment: t.id({
    description: "Deletes a comment; returns its id.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => inWork(ctx, async ({ tx, viewer }) => {
      const id = databaseIdOf(String(args.id), "Comment", "id");
      await deleteComment(tx, viewer, id);
      return encodeGlobalID("Comment", id);
    }),
  }),
}));
