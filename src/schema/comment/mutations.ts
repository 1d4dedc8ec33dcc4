import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { NotFoundError } from "../../errors.js";
import { readRow } from "../../read/lookup.js";
import { databaseIdOf } from "../ids.js";
import { inWork } from "../mutation-work.js";
import { TEXT_LIMITS } from "../text.js";
import { commentById } from "./lists.js";
import { addComment, deleteComment, updateComment } from "./service.js";
import { Comment } from "./types.js";

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
  addComment: t.field({
    type: Comment,
    nullable: false,
    description: "Comments on a published post.",
    args: { input: t.arg({ type: AddCommentInput, required: true }) },
    // Read back through the unit's transaction, with what the document asks of it, in one statement.
    resolve: (_root, { input }, ctx, info) =>
      inWork(ctx, async (work) => {
        const id = await addComment(work, databaseIdOf(String(input.postId), "Post", "input.postId"), input.body);
        return (await readRow(commentById, Comment, { id }, ctx, info)) ?? Promise.reject(new NotFoundError("Comment"));
      }),
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
