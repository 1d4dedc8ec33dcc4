import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { databaseIdOf } from "../ids.js";
import { inWork } from "../mutation-work.js";
import { AdminPostFilter, postCriteriaOf } from "./types.js";
import { BULK_LIMIT, deletePosts, publishPosts, suspendUsers, unpublishPosts, unsuspendUsers, type BulkResult } from "./service.js";

const ADMINS_ONLY = "Admins only; one unit of work, with one audit event per row changed.";

const ids = (typename: string) => ({ required: true, description: `${typename} ids.`, extensions: { maxItems: BULK_LIMIT } }) as const;

/** The distinct database ids behind a list of global ids; a bad one is BAD_USER_INPUT naming its place. */
function databaseIdsOf(globalIds: readonly (string | number)[], typename: string, field: string): number[] {
  return [...new Set(globalIds.map((id, index) => databaseIdOf(String(id), typename, `${field}.${index}`)))];
}

const BulkPostsPayload = builder.objectRef<BulkResult>("BulkPostsPayload").implement({
  fields: (t) => ({
    affectedCount: t.int({ description: "Posts changed; posts already in that state, and ids that match nothing, are not counted.", resolve: (result) => result.ids.length }),
    posts: t.prismaField({
      type: ["Post"],
      description: "The posts changed, by id.",
      resolve: (query, result, _args, ctx) => ctx.reader.prisma.post.findMany({ ...query, where: { id: { in: result.ids } }, orderBy: { id: "asc" } }),
    }),
  }),
});

const DeletePostsPayload = builder.objectRef<BulkResult>("DeletePostsPayload").implement({
  fields: (t) => ({
    affectedCount: t.int({ description: "Posts deleted.", resolve: (result) => result.ids.length }),
    deletedIds: t.idList({ description: "The ids of the posts deleted, ascending.", resolve: (result) => result.ids.map((id) => encodeGlobalID("Post", id)) }),
  }),
});

const BulkUsersPayload = builder.objectRef<BulkResult>("BulkUsersPayload").implement({
  fields: (t) => ({
    affectedCount: t.int({ description: "Accounts changed; accounts already in that state, and ids that match nothing, are not counted.", resolve: (result) => result.ids.length }),
    users: t.prismaField({
      type: ["User"],
      description: "The accounts changed, by id.",
      resolve: (query, result, _args, ctx) => ctx.reader.prisma.user.findMany({ ...query, where: { id: { in: result.ids } }, orderBy: { id: "asc" } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  publishPosts: t.field({
    type: BulkPostsPayload,
    description: `Publishes drafts, whoever wrote them. ${ADMINS_ONLY}`,
    authScopes: { admin: true },
    args: { ids: t.arg.idList(ids("Post")) },
    resolve: (_root, args, ctx) => inWork(ctx, (work) => publishPosts(work, databaseIdsOf(args.ids, "Post", "ids"))),
  }),
  unpublishPosts: t.field({
    type: BulkPostsPayload,
    description: `Turns published posts back into drafts. ${ADMINS_ONLY}`,
    authScopes: { admin: true },
    args: { ids: t.arg.idList(ids("Post")) },
    resolve: (_root, args, ctx) => inWork(ctx, (work) => unpublishPosts(work, databaseIdsOf(args.ids, "Post", "ids"))),
  }),
  deletePosts: t.field({
    type: DeletePostsPayload,
    description: `Deletes the posts a filter matches, with their comments; at least one condition must be given. ${ADMINS_ONLY} BAD_USER_INPUT, deleting nothing, for an empty filter or one matching more than ${BULK_LIMIT} posts.`,
    authScopes: { admin: true },
    args: { filter: t.arg({ type: AdminPostFilter, required: true }) },
    resolve: (_root, { filter }, ctx) => inWork(ctx, (work) => deletePosts(work, postCriteriaOf(filter))),
  }),
  suspendUsers: t.field({
    type: BulkUsersPayload,
    description: `Suspends accounts: they cannot log in (ACCOUNT_SUSPENDED) and their tokens stop working at once. An admin cannot suspend themselves. ${ADMINS_ONLY}`,
    authScopes: { admin: true },
    args: { ids: t.arg.idList(ids("User")) },
    resolve: (_root, args, ctx) => inWork(ctx, (work) => suspendUsers(work, databaseIdsOf(args.ids, "User", "ids"))),
  }),
  unsuspendUsers: t.field({
    type: BulkUsersPayload,
    description: `Lifts suspensions; the accounts' unexpired tokens work again. ${ADMINS_ONLY}`,
    authScopes: { admin: true },
    args: { ids: t.arg.idList(ids("User")) },
    resolve: (_root, args, ctx) => inWork(ctx, ({ tx, viewer }) => unsuspendUsers(tx, viewer, databaseIdsOf(args.ids, "User", "ids"))),
  }),
}));
