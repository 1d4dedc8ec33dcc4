import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { loadTrustedDocuments } from "../../src/plugins/trusted-documents.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

const MANIFEST = path.resolve("client/gql/persisted-documents.json");
const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as Record<string, string>;
const feedId = Object.keys(manifest).find((id) => manifest[id]!.includes("query Feed("))!;
const signUpId = Object.keys(manifest).find((id) => manifest[id]!.includes("mutation SignUp("))!;
const hex = feedId.replace(/^sha256:/, "");
const UNKNOWN = `sha256:${"0".repeat(64)}`;

function post(t: TestApp, body: Record<string, unknown>) {
  return t.fetch("/graphql", { method: "POST", headers: { "content-type": "application/json", accept: "application/graphql-response+json" }, body: JSON.stringify(body) });
}

async function answer(response: Response) {
  return { status: response.status, body: (await response.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

/** Every way a client names a trusted document: GraphQL over HTTP's documentId (with and without the prefix, POST and GET) and Apollo's extension. */
const byId = (t: TestApp, id: string) => [
  () => post(t, { documentId: id, variables: { first: 1 } }),
  () => post(t, { documentId: id.replace(/^sha256:/, ""), variables: { first: 1 } }),
  () => post(t, { extensions: { persistedQuery: { version: 1, sha256Hash: id.replace(/^sha256:/, "") } }, variables: { first: 1 } }),
  () => t.fetch(`/graphql?documentId=${encodeURIComponent(id)}&variables=${encodeURIComponent(JSON.stringify({ first: 1 }))}`, { headers: { accept: "application/graphql-response+json" } }),
];

describe("trusted documents: only", () => {
  const app = useTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "only", TRUSTED_DOCUMENTS_MANIFEST: MANIFEST } });

  it("runs the manifest's documents by any kind of id, mutations included", async () => {
    const t = app.current;
    for (const send of byId(t, feedId)) {
      const { status, body } = await answer(await send());
      expect(status).toBe(200);
      // Every selection set asks for __typename (codegen.ts): what normalising caches need.
      expect(body).toEqual({ data: { __typename: "Query", posts: { __typename: "PostConnection", edges: [], pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null } } } });
    }
    const signUp = await answer(await post(t, { documentId: signUpId, variables: { input: { email: "trusted@example.com", handle: "trusted_one", name: "T", password: "correct horse battery" } } }));
    expect(signUp.body.data?.signUp.user).toMatchObject({ handle: "trusted_one", email: "trusted@example.com" });
  });

  it("refuses a document sent as text (PERSISTED_QUERY_ONLY, 403) and an unknown id (PERSISTED_QUERY_NOT_FOUND, 404), running nothing", async () => {
    const t = app.current;
    const text = await answer(await post(t, { query: manifest[feedId], variables: { first: 1 } }));
    expect(text).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] } });
    expect(text.body.data).toBeUndefined();
    const both = await answer(await post(t, { query: "{ __typename }", documentId: feedId }));
    expect(both).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] } });
    for (const send of byId(t, UNKNOWN)) {
      expect(await answer(await send())).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } });
    }
    // Ids that cannot be a sha256 answer the same, without echoing them back.
    const odd = await answer(await post(t, { documentId: "<script>" }));
    expect(odd).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } });
    expect(JSON.stringify(odd.body)).not.toContain("<script>");
    const nothing = await answer(await post(t, { variables: {} }));
    expect(nothing).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: "BAD_USER_INPUT" } }] } });
    expect(await t.app.database.prisma.user.count({ where: { handle: { not: "trusted_one" } } })).toBe(0);
  });
});

describe("trusted documents: allow", () => {
  const app = useTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "allow", TRUSTED_DOCUMENTS_MANIFEST: MANIFEST } });

  it("runs the manifest's documents by id and any other document as text; an unknown id is still PERSISTED_QUERY_NOT_FOUND", async () => {
    const t = app.current;
    for (const send of byId(t, feedId)) expect((await answer(await send())).body.data?.posts).toBeDefined();
    expect((await answer(await post(t, { query: "{ posts(first: 1) { edges { cursor } } }" }))).body).toEqual({ data: { posts: { edges: [] } } });
    expect(await answer(await post(t, { documentId: UNKNOWN }))).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } });
  });
});

describe("trusted documents: off", () => {
  const app = useTestApp("pglite");

  it("ignores ids: a request without a document is a client error, not a lookup", async () => {
    const t = app.current;
    const { status, body } = await answer(await post(t, { documentId: feedId }));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await answer(await post(t, { query: "{ __typename }" }))).body).toEqual({ data: { __typename: "Query" } });
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("trusted documents: configuration", () => {
  it("defaults to only in production with a manifest, allow elsewhere, off without one, and refuses a mode without a manifest", () => {
    const base = { AUTH_SECRET: "x".repeat(40), TRUSTED_DOCUMENTS_MANIFEST: MANIFEST };
    expect(loadConfig({ ...base, NODE_ENV: "production" }).trustedDocuments).toEqual({ mode: "only", manifestPaths: [MANIFEST] });
    expect(loadConfig({ ...base, NODE_ENV: "development" }).trustedDocuments.mode).toBe("allow");
    expect(loadConfig({ ...base, NODE_ENV: "production", TRUSTED_DOCUMENTS: "allow" }).trustedDocuments.mode).toBe("allow");
    expect(loadConfig({ NODE_ENV: "development" }).trustedDocuments).toEqual({ mode: "off", manifestPaths: [] });
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: "only" })).toThrow(/^TRUSTED_DOCUMENTS: "only" needs TRUSTED_DOCUMENTS_MANIFEST/);
    expect(() => loadConfig({ ...base, TRUSTED_DOCUMENTS: "sometimes" })).toThrow(/^TRUSTED_DOCUMENTS: must be one of off, allow, only/);
  });

  it("loads the manifest only when every id is the sha256 of its document", async () => {
    expect((await loadTrustedDocuments([MANIFEST])).size).toBe(Object.keys(manifest).length);
    const dir = await mkdtemp(path.join(tmpdir(), "inkwell-manifest-"));
    try {
      const tampered = path.join(dir, "tampered.json");
      // A document smuggled in under another's id.
      await writeFile(tampered, JSON.stringify({ [feedId]: "mutation { deletePosts(filter: { status: PUBLISHED }) { affectedCount } }" }));
      await expect(loadTrustedDocuments([tampered])).rejects.toThrow(/is not a document under the sha256 of its text/);
      const honest = "{ __typename }";
      const good = path.join(dir, "good.json");
      await writeFile(good, JSON.stringify({ [createHash("sha256").update(honest).digest("hex")]: honest }));
      expect([...(await loadTrustedDocuments([good])).values()]).toEqual([honest]);
      await expect(loadTrustedDocuments([path.join(dir, "missing.json")])).rejects.toThrow(/cannot read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("trusted documents from a Relay app beside the SDK's", () => {
  // relay-compiler's persistConfig ({ "file": …, "algorithm": "SHA256" }) writes
  // { "<hex sha256>": "<text>" }, with the text as Relay prints it (ids and
  // __typename added), and Relay's network layer sends { doc_id, variables }.
  const relayText = `query FeedRelayQuery(\n  $first: Int\n) {\n  posts(first: $first) {\n    edges {\n      node {\n        __typename\n        title\n        id\n      }\n    }\n  }\n}\n`;
  const relayId = createHash("sha256").update(relayText).digest("hex");
  const relayManifest = path.join(mkdtempSync(path.join(tmpdir(), "inkwell-relay-")), "persisted_queries.json");
  writeFileSync(relayManifest, JSON.stringify({ [relayId]: relayText }));
  const app = useTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "only", TRUSTED_DOCUMENTS_MANIFEST: `${MANIFEST},${relayManifest}` } });
  afterAll(() => rm(path.dirname(relayManifest), { recursive: true, force: true }));

  it("runs both manifests' documents, Relay's by doc_id, and nothing else", async () => {
    const t = app.current;
    const relay = await answer(await post(t, { doc_id: relayId, variables: { first: 1 } }));
    expect(relay).toEqual({ status: 200, body: { data: { posts: { edges: [] } } } });
    const sdk = await answer(await post(t, { documentId: feedId, variables: { first: 1 } }));
    expect(sdk.status).toBe(200);
    expect(await answer(await post(t, { doc_id: "f".repeat(64) }))).toMatchObject({ status: 404, body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } });
    expect(await answer(await post(t, { query: relayText }))).toMatchObject({ status: 403 });
  });
});
