import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SEED, seedDatabase } from "../../src/db/seed.js";
import { SEED_PASSWORD } from "../../src/db/seed-password.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * GraphiQL in a real browser: Debian's Chromium (never a downloaded one),
 * with every request to anything but the server blocked and recorded. Runs
 * in `npm test` where /usr/bin/chromium exists and as `npm run
 * test:browser`; screenshots go to artifacts/browser/.
 */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.resolve("artifacts/browser");
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * GraphiQL re-reads the operation name from the document a moment after a tab opens; a Run sooner than
 * that (on a fast machine) sends the previous tab's ("Cannot infer operation NewestPosts", from GraphiQL's
 * own fetcher, nothing sent). An edit, as a person would make, and its undo, re-read it at once.
 */
async function editAndUndo(page: Page, editor: Locator): Promise<void> {
  await editor.click();
  await page.keyboard.press("End");
  await page.keyboard.type(" ");
  await page.keyboard.press("Backspace");
}

/**
 * Presses Run and polls `answer` until it matches, a second after the edit and its undo. With Chromium
 * 156 on a 2-core machine (2026-12-07), GraphiQL's re-read came later than the edit and its undo, and a
 * Run at once got GraphiQL's "Cannot infer operation" for the previous tab, with nothing sent. GraphiQL
 * then stayed on that operation name: pressing Run again, at once or after another edit and a second,
 * got the same for 30 s. Nothing on the page shows when the re-read has happened, so it waits as a
 * person would before pressing Run.
 */
async function runOpenTab(page: Page, answer: () => Promise<string | undefined>, expected: RegExp | string): Promise<void> {
  await page.waitForTimeout(1_000);
  await page.locator(".graphiql-execute-button").click();
  await expect.poll(answer, { timeout: 30_000 }).toMatch(expected);
}

if (!existsSync(CHROMIUM)) console.warn(`browser tests skipped: no ${CHROMIUM} (apt-get install -y chromium)`);

describe.skipIf(!existsSync(CHROMIUM))("GraphiQL in Chromium, offline, with TRUSTED_DOCUMENTS=allow", () => {
  let t: TestApp;
  let server: Server;
  let origin: string;
  let profile: string;
  let context: BrowserContext;
  const offHost: string[] = [];
  const consoleErrors: string[] = [];

  /** Anything that is not this server (or the page's own blob: and data: URLs) is blocked and noted. */
  const keepToThisServer = (browser: BrowserContext) =>
    browser.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("blob:") || url.startsWith("data:")) return route.continue();
      offHost.push(url);
      return route.abort("blockedbyclient");
    });

  /** A first visit, in a profile of its own (GraphiQL keeps the last visit's tabs and restores them), on one page. */
  const firstVisit = async (run: (page: Page) => Promise<void>) => {
    const own = await mkdtemp(path.join(tmpdir(), "inkwell-chromium-"));
    const visit = await chromium.launchPersistentContext(own, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
    await keepToThisServer(visit);
    try {
      const page = await visit.newPage();
      page.on("pageerror", (error) => consoleErrors.push(error.message));
      await run(page);
    } finally {
      await visit.close();
      await rm(own, { recursive: true, force: true });
    }
  };

  beforeAll(async () => {
    // In `allow`, as a development server with a manifest runs: GraphiQL's own documents are text.
    t = await startTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "allow", TRUSTED_DOCUMENTS_MANIFEST: path.resolve("client/gql/persisted-documents.json") } });
    await seedDatabase(t.app.database.prisma, DEMO_SEED);
    server = createServer(t.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    profile = await mkdtemp(path.join(tmpdir(), "inkwell-chromium-"));
    await mkdir(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
    await keepToThisServer(context);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("opens with Inkwell's examples, runs the feed by clicking Run, shows posts and the docs, and asks nothing of any other host", async () => {
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    const response = await page.goto(`${origin}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("connect-src 'self'");
    await expect(page.title()).resolves.toBe("Inkwell GraphiQL");

    // The editor holds Inkwell's example, not Yoga's welcome text; the tabs hold the rest.
    await page.locator(".graphiql-query-editor").getByText("query NewestPosts").waitFor({ timeout: 30_000 });
    const tabs = await page.locator(".graphiql-tab").allInnerTexts();
    expect(tabs.join(" ")).toMatch(/NewestPosts[\s\S]*LogIn[\s\S]*Me[\s\S]*Search[\s\S]*Export[\s\S]*NewComments/);
    await page.screenshot({ path: path.join(ARTIFACTS, "1-opened.png") });

    await page.locator(".graphiql-execute-button").click();
    const result = page.locator(".graphiql-response");
    // Monaco draws spaces as no-break spaces.
    const resultText = async () => (await result.innerText()).replace(/\u00a0/g, " ");
    // The demo data's newest post, and the deferred commentCount once its part arrives.
    await expect.poll(resultText, { timeout: 30_000 }).toMatch(/"title": "[^"]+"[\s\S]*"commentCount": \d+/);
    const text = await resultText();
    expect(text).toContain('"posts"');
    expect(text).toContain('"handle": "writer');
    await page.screenshot({ path: path.join(ARTIFACTS, "2-result.png") });

    await page.getByRole("button", { name: /documentation explorer/i }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("Root Types").waitFor({ timeout: 10_000 });
    await docs.getByText("Query", { exact: true }).first().click();
    await docs.getByText("exportPosts").first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "3-docs.png") });

    expect(offHost).toEqual([]);
    expect(consoleErrors.filter((message) => /Content Security Policy|Refused to/i.test(message))).toEqual([]);
  }, 120_000);

  it("opens each example tab with a click and runs that tab's own operation", async () => {
    await firstVisit(async (page) => {
      const sent: string[] = [];
      page.on("request", (request) => {
        const operationName = (request.postDataJSON() as { operationName?: string } | null)?.operationName;
        if (operationName && operationName !== "IntrospectionQuery") sent.push(operationName);
      });
      await page.goto(`${origin}/graphql`);
      const editor = page.locator(".graphiql-query-editor");
      const editorText = async () => (await editor.innerText()).replace(/\u00a0/g, " ");
      const response = async () => (await page.locator(".graphiql-response").innerText()).replace(/\u00a0/g, " ");
      // A tab's accessible name takes in its close button once it is open, so tabs are found by their button.
      const tabButton = (title: string) => page.locator(`.graphiql-tab-button[title="${title}"]`);
      const openTab = () => page.locator('.graphiql-tab[aria-selected="true"] .graphiql-tab-button').innerText();
      await editor.getByText("query NewestPosts").waitFor({ timeout: 30_000 });
      // Run from a tab just opened: GraphiQL sends the operation of the open tab.
      await tabButton("Search").click();
      await expect.poll(editorText, { timeout: 10_000 }).toContain("query Search");
      await editAndUndo(page, editor);
      await runOpenTab(page, response, /"search"[\s\S]*"highlight"/);
      await tabButton("LogIn").click();
      await expect.poll(editorText, { timeout: 10_000 }).toContain("mutation LogIn");
      await editAndUndo(page, editor);
      await runOpenTab(page, response, /"token": "[^"]+"[\s\S]*"handle": "writer1"/);
      // Then every tab in turn. All but the last opened with a stale offset, which a press used to
      // bring back: the tab moved from under the pointer, and the click never reached it.
      for (const [tab, operation] of [["Search", "query Search"], ["Me", "query Me"], ["Export", "query Export"], ["LogIn", "mutation LogIn"], ["NewestPosts", "query NewestPosts"]]) {
        await tabButton(tab!).click();
        await expect.poll(editorText, { timeout: 10_000 }).toContain(operation);
        await expect(openTab()).resolves.toBe(tab);
      }
      expect(sent).toEqual(["Search", "LogIn"]);
      await page.screenshot({ path: path.join(ARTIFACTS, "4-tabs.png") });
      expect(offHost).toEqual([]);
    });
  }, 120_000);

  it("runs the NewComments tab's subscription and shows a comment added meanwhile", async () => {
    await firstVisit(async (page) => {
      await page.goto(`${origin}/graphql`);
      const editor = page.locator(".graphiql-query-editor");
      await page.locator(".graphiql-tab", { hasText: "NewComments" }).waitFor({ timeout: 30_000 });
      await page.locator(".graphiql-tab", { hasText: "NewComments" }).click();
      await expect.poll(async () => (await editor.innerText()).replace(/\u00a0/g, " "), { timeout: 30_000 }).toContain("subscription NewComments");
      await editAndUndo(page, editor);
      // The stream is open once the server counts it; then a comment is added through the API.
      const streamsOpen = async () => (await t.fetch("/metrics").then((response) => response.text())).match(/inkwell_subscriptions_open\{field="commentAdded"\} (\d+)/)?.[1];
      await runOpenTab(page, streamsOpen, /^1$/);
      const writer = await t.graphql<{ logIn: { token: string } }>(`mutation { logIn(input: { email: "writer2@example.com", password: ${JSON.stringify(SEED_PASSWORD)} }) { token } }`);
      const added = await t.graphql(`mutation { addComment(input: { postId: "UG9zdDox", body: "Seen live in GraphiQL." }) { id } }`, { token: writer.body.data!.logIn.token });
      expect(added.body.errors).toBeUndefined();
      const result = page.locator(".graphiql-response");
      await expect.poll(async () => (await result.innerText()).replace(/\u00a0/g, " "), { timeout: 30_000 }).toContain("Seen live in GraphiQL.");
      await page.screenshot({ path: path.join(ARTIFACTS, "5-subscription.png") });
      expect(offHost).toEqual([]);
    });
  }, 120_000);
});
