import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { useTestApp } from "../support/test-app.js";

const APP_ORIGIN = "https://app.example.com";
const production = { NODE_ENV: "production", CORS_ORIGINS: `${APP_ORIGIN}, https://admin.example.com` };
const graphqlPost = (query: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
  body: JSON.stringify({ query }),
});

describe("production mode (NODE_ENV=production)", () => {
  const app = useTestApp("pglite", { env: production });

  it("serves no GraphiQL", async () => {
    const response = await app.current.fetch("/graphql", { headers: { accept: "text/html" } });
    expect(response.headers.get("content-type") ?? "").not.toMatch(/html/);
    expect(await response.text()).not.toMatch(/graphiql/i);
  });

  it("refuses introspection, and suggests no field names, but answers __typename", async () => {
    const schema = await app.current.fetch("/graphql", graphqlPost("{ __schema { types { name } } }"));
    expect(schema.status).toBe(400);
    const { errors } = (await schema.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(errors[0]!.message).toMatch(/introspection has been disabled/);
    for (const error of errors) expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" });
    const type = await app.current.fetch("/graphql", graphqlPost(`{ __type(name: "Post") { name } }`));
    expect(type.status).toBe(400);
    const typo = await (await app.current.fetch("/graphql", graphqlPost("{ post { titel } }"))).text();
    expect(typo).not.toMatch(/Did you mean/);
  });

  it.each([
    ["a field", { query: "{ posts(first: 1) { edges { node { titel } } } }" }],
    ["an argument", { query: "{ posts(frist: 1) { edges { cursor } } }" }],
    ["a type", { query: "query($f: PostFiltr) { posts(first: 1) { edges { cursor } } }" }],
    ["an input field", { query: `{ posts(first: 1, filter: { tga: "x" }) { edges { cursor } } }` }],
    ["an enum value, literal", { query: "{ posts(first: 1, orderBy: NEWST) { edges { cursor } } }" }],
    ["an enum value, in a variable", { query: "query($o: PostOrder) { posts(first: 1, orderBy: $o) { edges { cursor } } }", variables: { o: "NEWST" } }],
  ])("suggests no name for a mistake in %s", async (_case, body) => {
    const response = await app.current.fetch("/graphql", { ...graphqlPost(""), body: JSON.stringify(body) });
    const text = await response.text();
    expect(text).toMatch(/BAD_USER_INPUT/);
    expect(text).not.toMatch(/Did you mean|NEWEST|title|first|PostFilter"|"tag"/);
    expect(await (await app.current.fetch("/graphql", graphqlPost("{ __typename }"))).json()).toEqual({ data: { __typename: "Query" } });
  });

  it("answers an allowed origin with CORS headers that expose x-request-id and allow no credentials", async () => {
    const response = await app.current.fetch("/graphql", graphqlPost("{ __typename }", { origin: APP_ORIGIN }));
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("vary")).toMatch(/Origin/);
    expect(response.headers.get("access-control-expose-headers")).toMatch(/x-request-id/);
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    const preflight = await app.current.fetch("/graphql", {
      method: "OPTIONS",
      headers: { origin: APP_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/authorization/);
  });

  it("never reflects an origin that is not on the list, nor allows it credentials", async () => {
    for (const origin of ["https://evil.example", "null", `${APP_ORIGIN}.evil.example`]) {
      const response = await app.current.fetch("/graphql", graphqlPost("{ __typename }", { origin }));
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      const preflight = await app.current.fetch("/graphql", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

describe("production switches", () => {
  const app = useTestApp("pglite", { env: { NODE_ENV: "production", GRAPHIQL: "true", INTROSPECTION: "true" } });

  it("turn GraphiQL and introspection back on, and CORS stays off without CORS_ORIGINS", async () => {
    const page = await app.current.fetch("/graphql", { headers: { accept: "text/html" } });
    const html = await page.text();
    expect(html).toMatch(/Inkwell GraphiQL/);
    // Production accounts never have the published demo password, so the page never tells it.
    expect(html).not.toMatch(/inkwell-password/);
    expect(html).toMatch(/your password/);
    const schema = await app.current.fetch("/graphql", graphqlPost(`{ __type(name: "Post") { name } }`, { origin: "https://any.example" }));
    expect(await schema.json()).toEqual({ data: { __type: { name: "Post" } } });
    expect(schema.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("production configuration", () => {
  const secret = { NODE_ENV: "production", AUTH_SECRET: "x".repeat(32) };

  it("defaults GraphiQL, introspection and demo data off, and CORS to no origin", () => {
    expect(loadConfig(secret)).toMatchObject({ graphiql: false, introspection: false, seedDemoData: false, corsOrigins: [] });
  });

  it("refuses demo data with the published password", () => {
    expect(() => loadConfig({ ...secret, SEED_DEMO_DATA: "true" })).toThrowError(/^DEMO_PASSWORD: is required/);
    expect(loadConfig({ ...secret, SEED_DEMO_DATA: "true", DEMO_PASSWORD: "a-long-private-one" })).toMatchObject({ seedDemoData: true });
  });

  it("refuses a CORS origin that is a wildcard or has a path", () => {
    expect(() => loadConfig({ ...secret, CORS_ORIGINS: "*" })).toThrowError(/^CORS_ORIGINS/);
    expect(() => loadConfig({ ...secret, CORS_ORIGINS: "https://app.example.com/path" })).toThrowError(/^CORS_ORIGINS/);
  });
});

describe("GraphiQL's LogIn example", () => {
  const development = useTestApp("pglite", { env: { NODE_ENV: "development" } });
  const ownPassword = useTestApp("pglite", { env: { NODE_ENV: "development", DEMO_PASSWORD: "a password of our own" } });

  const page = async (t: { fetch: (path: string, init?: RequestInit) => Promise<Response> }) =>
    (await t.fetch("/graphql", { headers: { accept: "text/html" } })).text();

  it("shows the published demo password where the demo accounts have it, and no password where they do not", async () => {
    expect(await page(development.current)).toMatch(/inkwell-password/);
    const own = await page(ownPassword.current);
    expect(own).not.toMatch(/inkwell-password|a password of our own/);
    expect(own).toMatch(/your password/);
  });
});
