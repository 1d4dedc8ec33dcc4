import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { SignJWT } from "jose";
import { TEST_AUTH_SECRET, startTestApp, useTestApp } from "../support/test-app.js";

describe.each(testDatabaseKinds)("authentication on %s", (kind) => {
  const app = useTestApp(kind);

  it("signs up, then the token identifies the viewer", async () => {
    const user = await signUp(app.current, { name: "Ada Writer" });
    const response = await app.current.graphql(`{ viewer { id handle name email } }`, { token: user.token });
    expectNoErrors(response);
    expect(response.body.data!.viewer).toEqual({ id: user.id, handle: user.handle, name: "Ada Writer", email: user.email });
  });

  it("stores an argon2id hash, never the password", async () => {
    const user = await signUp(app.current);
    const row = await app.current.app.database.prisma.user.findUniqueOrThrow({ where: { handle: user.handle } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(user.password);
  });

  it("logs in with the right password", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(
      `mutation { logIn(input: { email: "${user.email.toUpperCase()}", password: "${user.password}" }) { token user { handle } } }`,
    );
    expectNoErrors(response);
    expect(response.body.data!.logIn.user.handle).toBe(user.handle);
    const viewer = await app.current.graphql(`{ viewer { handle } }`, { token: response.body.data!.logIn.token });
    expect(viewer.body.data!.viewer.handle).toBe(user.handle);
  });

  it.each([
    ["a wrong password", (email: string) => ({ email, password: "not the password" })],
    ["an unknown email", () => ({ email: `${unique("nobody")}@example.com`, password: "whatever123" })],
  ])("rejects %s with UNAUTHENTICATED and the same message", async (_case, input) => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`mutation LogIn($input: LogInInput!) { logIn(input: $input) { token } }`, {
      variables: { input: input(user.email) },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
    expect(response.body.errors![0]!.message).toBe("Wrong email or password.");
  });

  it("rejects a taken handle or email with CONFLICT naming the field, and writes nothing", async () => {
    const user = await signUp(app.current);
    const before = await app.current.app.database.prisma.user.count();
    for (const [input, field] of [
      [{ email: `${unique("other")}@example.com`, handle: user.handle }, "input.handle"],
      [{ email: user.email, handle: unique("other") }, "input.email"],
    ] as const) {
      const response = await app.current.graphql(`mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }`, {
        variables: { input: { ...input, password: "long enough password", name: "Someone" } },
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toBeNull();
      expect(response.body.errors).toMatchObject([{ path: ["signUp"], extensions: { code: "CONFLICT", field } }]);
    }
    expect(await app.current.app.database.prisma.user.count()).toBe(before);
  });

  it.each([
    [{ email: "not-an-email" }, "input.email"],
    [{ handle: "No Spaces!" }, "input.handle"],
    [{ password: "short" }, "input.password"],
    [{ name: "   " }, "input.name"],
  ])("rejects bad sign-up input %j as BAD_USER_INPUT naming the field", async (override, field) => {
    const handle = unique("h");
    const response = await app.current.graphql(`mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }`, {
      variables: { input: { email: `${handle}@example.com`, handle, password: "long enough password", name: "N", ...override } },
    });
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field } }]);
  });

  it("treats a forged, expired or malformed token as signed out", async () => {
    const user = await signUp(app.current);
    const [header, payload] = user.token.split(".");
    for (const token of [`${header}.${payload}.forgedsignature`, "not-a-jwt", ""]) {
      const response = await app.current.graphql(`{ viewer { id } }`, { headers: { authorization: `Bearer ${token}` } });
      expectNoErrors(response);
      expect(response.body.data!.viewer).toBeNull();
    }
  });

  it("rejects a token without an expiry, even signed with the right key", async () => {
    const user = await signUp(app.current);
    const id = Number(Buffer.from(user.id, "base64").toString().split(":")[1]);
    const forever = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(String(id)).setIssuer("inkwell").sign(
      new TextEncoder().encode(TEST_AUTH_SECRET),
    );
    const response = await app.current.graphql(`{ viewer { id } }`, { token: forever });
    expect(response.body).toEqual({ data: { viewer: null } });
  });

  it("authorises on current data: a demoted admin is no longer one, a deleted account signs nobody in", async () => {
    const [admin, author] = [await signUp(app.current), await signUp(app.current)];
    const prisma = app.current.app.database.prisma;
    await prisma.user.update({ where: { handle: admin.handle }, data: { role: "ADMIN" } });
    const post = await createPost(app.current, author, { publish: false });
    const publish = `mutation($id: ID!) { publishPost(id: $id) { status } }`;
    // The token was issued while the user was not yet an admin: the role is read now, not from the token.
    const asAdmin = await app.current.graphql(publish, { token: admin.token, variables: { id: post.id } });
    expect(asAdmin.body).toEqual({ data: { publishPost: { status: "PUBLISHED" } } });
    await prisma.user.update({ where: { handle: admin.handle }, data: { role: "USER" } });
    const other = await createPost(app.current, author, { publish: false });
    const demoted = await app.current.graphql(publish, { token: admin.token, variables: { id: other.id } });
    expect(errorCodes(demoted)).toEqual(["NOT_FOUND"]);

    await prisma.user.delete({ where: { handle: admin.handle } });
    const gone = await app.current.graphql(`mutation { createPost(input: { title: "Ghost", body: "B" }) { id } }`, { token: admin.token });
    expect(errorCodes(gone)).toEqual(["UNAUTHENTICATED"]);
    expect((await app.current.graphql(`{ viewer { id } }`, { token: admin.token })).body).toEqual({ data: { viewer: null } });
  });

  it("returns the signed-in user's own email from signUp and logIn", async () => {
    const handle = unique("own");
    const email = `${handle}@example.com`;
    const signed = await app.current.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { user { email } } }`, {
      variables: { i: { email, handle, password: "long enough password", name: "Own" } },
    });
    expect(signed.body).toEqual({ data: { signUp: { user: { email } } } });
    const logged = await app.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { user { email } } }`, {
      variables: { i: { email, password: "long enough password" } },
    });
    expect(logged.body).toEqual({ data: { logIn: { user: { email } } } });
  });

  it("checks a password before the unit of work opens: the transaction holds only the audit write", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, {
      variables: { i: { email: user.email, password: user.password } },
    });
    expectNoErrors(response);
    const begin = response.statements.indexOf("BEGIN");
    expect(response.statements.slice(0, begin).some((sql) => /FROM "public"."users"/.test(sql))).toBe(true);
    expect(response.statements.slice(begin)).toEqual(["BEGIN", expect.stringMatching(/^\s*INSERT INTO audit_events/), "COMMIT"]);
  });

  it("logIn sent with another account's token still reads no account before its password check, nor holds a transaction for it", async () => {
    const [user, other] = [await signUp(app.current), await signUp(app.current)];
    const response = await app.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { user { handle } } }`, {
      token: other.token,
      variables: { i: { email: user.email, password: user.password } },
    });
    expect(response.body).toEqual({ data: { logIn: { user: { handle: user.handle } } } });
    expect(response.statements.filter((sql) => /FOR SHARE/.test(sql))).toEqual([]);
    const begin = response.statements.indexOf("BEGIN");
    expect(response.statements.slice(begin, begin + 2)).toEqual(["BEGIN", expect.stringMatching(/^\s*INSERT INTO audit_events/)]);
  });

  it("checks a second logIn's password inside the transaction an earlier field of the operation began", async () => {
    const [user, other] = [await signUp(app.current), await signUp(app.current)];
    const handle = unique("later");
    const response = await app.current.graphql(
      `mutation($a: LogInInput!, $b: LogInInput!, $s: SignUpInput!) {
        first: logIn(input: $a) { user { handle } } again: logIn(input: $a) { user { handle } }
        joined: signUp(input: $s) { user { handle } } other: logIn(input: $b) { user { handle } } }`,
      {
        variables: {
          a: { email: user.email, password: user.password },
          b: { email: other.email, password: other.password },
          s: { email: `${handle}@example.com`, handle, password: "correct horse battery", name: "Later" },
        },
      },
    );
    // On the embedded database a read outside the open transaction waits for it to end: this hung
    // until the transaction's timeout and answered INTERNAL_SERVER_ERROR.
    expect(response.body).toEqual({
      data: { first: { user: { handle: user.handle } }, again: { user: { handle: user.handle } }, joined: { user: { handle } }, other: { user: { handle: other.handle } } },
    });
    const begin = response.statements.indexOf("BEGIN");
    const accountReads = response.statements.filter((sql) => /FROM "public"."users"/.test(sql));
    // The first logIn's check before BEGIN, the later ones' after it, and one transaction in all.
    expect(response.statements.slice(0, begin).filter((sql) => /FROM "public"."users"/.test(sql))).toHaveLength(1);
    expect(accountReads.length).toBeGreaterThan(1);
    expect(response.statements.filter((sql) => sql === "BEGIN")).toHaveLength(1);
    expect(response.statements.at(-1)).toBe("COMMIT");
  });

  it("reads a mutation's viewer once, as its transaction's first statement, locked", async () => {
    const writer = await signUp(app.current);
    const response = await app.current.graphql(`mutation { createPost(input: { title: "Counted", body: "B" }) { title } }`, { token: writer.token });
    expectNoErrors(response);
    const accountReads = response.statements.filter((sql) => /FROM "users" WHERE "id" = \$1 AND "suspended_at" IS NULL/.test(sql));
    expect(accountReads).toEqual([expect.stringMatching(/FOR SHARE$/)]);
    expect(response.statements.slice(0, 2)).toEqual(["BEGIN", accountReads[0]]);
  });

  it("requires a signed-in viewer for writes: UNAUTHENTICATED", async () => {
    const response = await app.current.graphql(`mutation { createPost(input: { title: "T", body: "B" }) { id } }`);
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
  });
});

describe.each(testDatabaseKinds)("attempt limits on %s", (kind) => {
  const limited = useTestApp(kind, {
    env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: "3", RATE_LIMIT_LOGIN_PER_ADDRESS: "5", RATE_LIMIT_SIGNUP_PER_ADDRESS: "4" },
  });

  it("limits log-in attempts per account and per address: RATE_LIMITED, HTTP 429 with Retry-After", async () => {
    const attempt = (email: string) =>
      limited.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, { variables: { i: { email, password: "wrong password" } } });
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push(errorCodes(await attempt("target@example.com"))[0]);
    expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    const limitedResponse = await attempt("target@example.com");
    expect(limitedResponse.status).toBe(429);
    expect(Number(limitedResponse.headers.get("retry-after"))).toBeGreaterThan(0);
    // The address has now made 5 attempts: another account is refused too.
    expect(errorCodes(await attempt("someone-else@example.com"))).toEqual(["RATE_LIMITED"]);
  });

  it("limits sign-ups per address", async () => {
    const codes = [];
    for (let i = 0; i < 5; i += 1) {
      const handle = unique("lim");
      const response = await limited.current.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
        variables: { i: { email: `${handle}@example.com`, handle, password: "long enough password", name: "Limited" } },
      });
      codes.push(errorCodes(response)[0] ?? "OK");
    }
    expect(codes).toEqual(["OK", "OK", "OK", "OK", "RATE_LIMITED"]);
  });
});

describe.each(testDatabaseKinds)("write limits on %s", (kind) => {
  const limited = useTestApp(kind, { env: { RATE_LIMIT_WRITES_PER_ACCOUNT: "3" } });

  it("limits the mutations of one account: the one past the limit is RATE_LIMITED with Retry-After, sends no statement and writes nothing", async () => {
    const [writer, other] = [await signUp(limited.current), await signUp(limited.current)];
    const update = (user: typeof writer, bio: string) =>
      limited.current.graphql(`mutation($bio: String) { updateProfile(input: { bio: $bio }) { profile { bio } } }`, { token: user.token, variables: { bio } });
    for (const bio of ["one", "two", "three"]) expectNoErrors(await update(writer, bio));
    const refused = await update(writer, "four");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ data: null, errors: [{ message: expect.stringMatching(/^Too many writes from this account/), extensions: { code: "RATE_LIMITED" } }] });
    expect(refused.statements).toEqual([]);
    // Reads go on, and show the last write that was let through; another account writes on.
    const seen = await limited.current.graphql(`{ viewer { profile { bio } } }`, { token: writer.token });
    expect(seen.body.data).toEqual({ viewer: { profile: { bio: "three" } } });
    expectNoErrors(await update(other, "mine"));
    const audited = await limited.current.app.database.prisma.auditEvent.count({ where: { action: "user.updateProfile", actor: { handle: writer.handle } } });
    expect(audited).toBe(3);
  });
});

describe("attempt limits behind a proxy", () => {
  // One proxy of our own in front: it appends the address it was called from.
  const proxied = useTestApp("pglite", { env: { TRUST_PROXY: "1", RATE_LIMIT_LOGIN_PER_ADDRESS: "3", RATE_LIMIT_LOGIN_PER_ACCOUNT: "100" } });
  const attempt = (forwardedFor: string) =>
    proxied.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, {
      variables: { i: { email: `${unique("nobody")}@example.com`, password: "wrong password" } },
      headers: { "x-forwarded-for": forwardedFor },
    });

  it("counts the address the proxy saw, whatever the client wrote in X-Forwarded-For before it", async () => {
    const codes = [];
    // A client writing a new address of its own in each request, left of the one the proxy appends.
    for (let i = 1; i <= 4; i += 1) codes.push(errorCodes(await attempt(`198.51.100.${i}, 203.0.113.7`))[0]);
    expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    // Another client behind the same proxy is its own address.
    expect(errorCodes(await attempt("203.0.113.8"))).toEqual(["UNAUTHENTICATED"]);
  });

  it("counts an IPv6 client by its /64, so a new address of its own for each request gains it nothing", async () => {
    const codes = [];
    for (let i = 1; i <= 4; i += 1) codes.push(errorCodes(await attempt(`2001:db8:5:6::${i.toString(16)}`))[0]);
    expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    // The neighbouring /64 is another client.
    expect(errorCodes(await attempt("2001:db8:5:7::1"))).toEqual(["UNAUTHENTICATED"]);
  });
});

// Needs a Redis server: set TEST_REDIS_URL (CI does) to run it.
describe.runIf(process.env.TEST_REDIS_URL)("attempt limits shared through Redis", () => {
  const redisUrl = process.env.TEST_REDIS_URL!;

  it("counts one account's attempts across two instances", async () => {
    const env = { RATE_LIMIT_REDIS_URL: redisUrl, RATE_LIMIT_LOGIN_PER_ACCOUNT: "2", RATE_LIMIT_WINDOW_S: "30" };
    const [a, b] = [await startTestApp("pglite", { env }), await startTestApp("pglite", { env })];
    try {
      const email = `${unique("shared")}@example.com`;
      const attempt = (t: typeof a) =>
        t.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, { variables: { i: { email, password: "wrong password" } } });
      expect(errorCodes(await attempt(a))).toEqual(["UNAUTHENTICATED"]);
      expect(errorCodes(await attempt(b))).toEqual(["UNAUTHENTICATED"]);
      // The third attempt, on either instance, is over the shared limit.
      expect(errorCodes(await attempt(a))).toEqual(["RATE_LIMITED"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});
