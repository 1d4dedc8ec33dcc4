import { readFileSync } from "node:fs";

/**
 * Node's arguments for the server as `npm start` runs it: what follows
 * `exec node` in package.json's start script (its flags and the production
 * build, dist/server.mjs, which test/support/global-setup.ts builds once per
 * run). Read from package.json, so a test's server is npm start's.
 */
export function serverArgs(): string[] {
  const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
  const command = /exec node (.+)$/.exec(start)?.[1];
  if (!command) throw new Error(`package.json's start script no longer ends in "exec node …": ${start}`);
  return command.split(" ");
}
