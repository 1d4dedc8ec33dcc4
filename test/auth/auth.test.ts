import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

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

  it("requires a signed-in viewer for writes: UNAUTHENTICATED", async () => {
    const response = await app.current.graphql(`mutation { createPost(input: { title: "T", body: "B" }) { id } }`);
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(["UNAUTHENTICATED"]);
  });
});
