import { builder } from "../../builder.js";
import { BadUserInputError } from "../../errors.js";
import { figureKey, mostCommentedWriters, postsPerMonth, SITE_FIGURES, topTags, type Period } from "./service.js";

/** The longest period one stats query may cover, so its cost stays bounded. */
const MAX_PERIOD_DAYS = 3_660;
const MAX_TOP = 50;

const MonthCount = builder.objectRef<{ month: string; posts: number }>("MonthCount").implement({
  fields: (t) => ({
    month: t.exposeString("month", { description: "The month, as YYYY-MM (UTC)." }),
    posts: t.exposeInt("posts"),
  }),
});

const TagCount = builder.objectRef<{ tagId: number; posts: number }>("TagCount").implement({
  fields: (t) => ({
    tag: t.prismaField({ type: "Tag", resolve: (query, count, _args, ctx) => ctx.reader.prisma.tag.findUniqueOrThrow({ ...query, where: { id: count.tagId } }) }),
    posts: t.exposeInt("posts", { description: "Its posts published in the period." }),
  }),
});

const WriterCount = builder.objectRef<{ userId: number; comments: number }>("WriterCount").implement({
  fields: (t) => ({
    writer: t.prismaField({ type: "User", resolve: (query, count, _args, ctx) => ctx.reader.prisma.user.findUniqueOrThrow({ ...query, where: { id: count.userId } }) }),
    comments: t.exposeInt("comments", { description: "Comments written in the period on their published posts." }),
  }),
});

const FIRST = { defaultValue: 10, description: `How many, at most ${MAX_TOP}.` } as const;

function top(first: number | null | undefined): number {
  const n = first ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) throw new BadUserInputError(`"first" must be from 1 to ${MAX_TOP}.`, "first");
  return n;
}

const Stats = builder.objectRef<Period>("Stats").implement({
  description: "Figures over the period [from, to), from published posts only.",
  fields: (t) => ({
    postsPerMonth: t.field({
      type: [MonthCount],
      description: "Posts published in each month of the period that has any, oldest first.",
      resolve: (period, _args, ctx) => ctx.siteFigures.get(figureKey("postsPerMonth", period), () => postsPerMonth(ctx.reader.sql, period)),
    }),
    topTags: t.field({
      type: [TagCount],
      args: { first: t.arg.int(FIRST) },
      description: "The tags on the most posts published in the period; ties by the older tag.",
      resolve: (period, args, ctx) => {
        const limit = top(args.first);
        return ctx.siteFigures.get(figureKey("topTags", period, limit), () => topTags(ctx.reader.sql, period, limit));
      },
    }),
    mostCommentedWriters: t.field({
      type: [WriterCount],
      args: { first: t.arg.int(FIRST) },
      description: "The writers whose posts got the most comments in the period; ties by the older account.",
      resolve: (period, args, ctx) => {
        const limit = top(args.first);
        return ctx.siteFigures.get(figureKey("mostCommentedWriters", period, limit), () => mostCommentedWriters(ctx.reader.sql, period, limit));
      },
    }),
  }),
});

builder.queryFields((t) => ({
  stats: t.field({
    type: Stats,
    description:
      `Site figures over the period [from, to), at most ${MAX_PERIOD_DAYS} days. Public. ` +
      `Each figure is computed once per period and answers every request for that period for ${SITE_FIGURES.ttlMs / 1000} s, so it may be that much behind.`,
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (_root, { from, to }) => {
      if (!(from < to)) throw new BadUserInputError('"from" must be before "to".', "from");
      if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
        throw new BadUserInputError(`A period is at most ${MAX_PERIOD_DAYS} days.`, "to");
      }
      return { from, to };
    },
  }),
}));
