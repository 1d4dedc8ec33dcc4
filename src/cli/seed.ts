/*
 * npm run db:seed -- --users N --posts-per-user M --comments-per-post K [--draft-every D]
 *                    [--hot-posts H --hot-post-comments C] [--admins A] [--reset]
 *
 * Loads a deterministic data set into the configured database, which must
 * be migrated and have no users. Every D-th post (default 10, 0 for none)
 * stays an uncommented draft. The first H posts get C comments each instead
 * of K (a deep data set). The first A users are admins (default 0). Add
 * --reset to empty the database first.
 */
import { parseArgs } from "node:util";
import { withDatabase } from "../db/lifecycle.js";
import { DEMO_SEED, seedDatabase } from "../db/seed.js";
import { demoPasswordOf } from "../config.js";
import { runScript } from "./run-script.js";

function count(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${flag} must be a whole number`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string" },
      "posts-per-user": { type: "string" },
      "comments-per-post": { type: "string" },
      "draft-every": { type: "string" },
      "hot-posts": { type: "string" },
      "hot-post-comments": { type: "string" },
      admins: { type: "string" },
      reset: { type: "boolean", default: false },
    },
  });
  const options = {
    users: count(values.users, "users", DEMO_SEED.users),
    postsPerUser: count(values["posts-per-user"], "posts-per-user", DEMO_SEED.postsPerUser),
    commentsPerPost: count(values["comments-per-post"], "comments-per-post", DEMO_SEED.commentsPerPost),
    draftEvery: count(values["draft-every"], "draft-every", 10),
    hotPosts: count(values["hot-posts"], "hot-posts", 0),
    hotPostComments: count(values["hot-post-comments"], "hot-post-comments", 0),
    admins: count(values.admins, "admins", 0),
  };
  await withDatabase(async ({ database, config }) => {
    const password = demoPasswordOf(config);
    if (values.reset) {
      // CASCADE reaches the credit accounts (and their ledger) too; the system account is made again.
      await database.prisma.$executeRaw`TRUNCATE users, tags, audit_events, credit_accounts RESTART IDENTITY CASCADE`;
      await database.prisma.$executeRaw`INSERT INTO credit_accounts (kind) VALUES ('SYSTEM')`;
    }
    const started = performance.now();
    const counts = await seedDatabase(database.prisma, { ...options, password });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded ${counts.users} users, ${counts.posts} posts, ${counts.comments} comments, ${counts.tags} tags in ${seconds} s. ` +
        (config.demoPassword ? "Every user's password is DEMO_PASSWORD." : `Every user's password is "${password}".`),
    );
  });
}

runScript(main);
