import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

describe.each(testDatabaseKinds)("users and profiles on %s", (kind) => {
  const app = useTestApp(kind);

  it("creates the profile on first update, then changes only the given fields", async () => {
    const user = await signUp(app.current);
    const update = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name profile { bio avatarUrl website } } }`;
    const first = await app.current.graphql(update, { token: user.token, variables: { input: { bio: "I write.", website: "https://example.com/me" } } });
    expectNoErrors(first);
    expect(first.body.data!.updateProfile.profile).toEqual({ bio: "I write.", avatarUrl: null, website: "https://example.com/me" });
    const second = await app.current.graphql(update, { token: user.token, variables: { input: { name: "New Name", website: "" } } });
    expect(second.body.data!.updateProfile).toEqual({ name: "New Name", profile: { bio: "I write.", avatarUrl: null, website: null } });
  });

  it("acts as the signed-in writer when the mutation's field sits in a fragment at the root", async () => {
    const user = await signUp(app.current);
    const documents = [
      `mutation($input: UpdateProfileInput!) { ... on Mutation { updateProfile(input: $input) { name } } }`,
      `mutation($input: UpdateProfileInput!) { ...Update } fragment Update on Mutation { renamed: updateProfile(input: $input) { name } }`,
    ];
    for (const [i, document] of documents.entries()) {
      const response = await app.current.graphql(document, { token: user.token, variables: { input: { name: `Fragment ${i}` } } });
      expectNoErrors(response);
      expect(Object.values(response.body.data!)).toEqual([{ name: `Fragment ${i}` }]);
    }
    const anonymous = await app.current.graphql(documents[0]!, { variables: { input: { name: "Nobody" } } });
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
  });

  it("rejects a non-http URL as BAD_USER_INPUT naming the field", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`mutation { updateProfile(input: { avatarUrl: "javascript:alert(1)" }) { name } }`, { token: user.token });
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.avatarUrl" } }]);
  });

  it("refuses a URL with a user name or password, or longer than the limit once percent-encoded, and keeps the profile as it was", async () => {
    const user = await signUp(app.current);
    const update = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { profile { website } } }`;
    expectNoErrors(await app.current.graphql(update, { token: user.token, variables: { input: { website: "https://example.com/me" } } }));
    for (const website of ["https://bank.example@evil.example/", "https://:secret@example.com/", `https://example.com/${"é".repeat(400)}`]) {
      const response = await app.current.graphql(update, { token: user.token, variables: { input: { website } } });
      expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.website" } }]);
    }
    const unchanged = await app.current.graphql(`query($h: String!) { user(handle: $h) { profile { website } } }`, { variables: { h: user.handle } });
    expect(unchanged.body.data!.user.profile.website).toBe("https://example.com/me");
    // 349 characters as typed, 1,994 percent-encoded: within the limit.
    const accented = `https://example.com/${"é".repeat(329)}`;
    const kept = await app.current.graphql(update, { token: user.token, variables: { input: { website: accented } } });
    expect(kept.body.data!.updateProfile.profile.website).toBe(new URL(accented).toString());
    const seen = await app.current.graphql(`query($h: String!) { user(handle: $h) { profile { website } } }`, { variables: { h: user.handle } });
    expect(seen.body.data!.user.profile.website).toHaveLength(1_994);
  });

  it("requires a signed-in viewer to update a profile", async () => {
    expect(errorCodes(await app.current.graphql(`mutation { updateProfile(input: { bio: "x" }) { name } }`))).toEqual(["UNAUTHENTICATED"]);
  });

  it("finds users by handle and searches handle or name, oldest account first", async () => {
    const marker = unique("zq");
    const a = await signUp(app.current, { name: `${marker} One` });
    const b = await signUp(app.current, { handle: `${marker}_two` });
    const response = await app.current.graphql(`query($s: String) { users(first: 10, search: $s) { edges { node { handle } } } }`, {
      variables: { s: marker.toUpperCase() },
    });
    expect(response.body.data!.users.edges.map((edge: any) => edge.node.handle)).toEqual([a.handle, b.handle]);
    const byHandle = await app.current.graphql(`query($h: String!) { user(handle: $h) { handle } }`, { variables: { h: b.handle } });
    expect(byHandle.body.data!.user).toEqual({ handle: b.handle });
    const missing = await app.current.graphql(`{ user(handle: "no-such-user") { handle } }`);
    expect(missing.body).toEqual({ data: { user: null } });
  });

  it("viewer is null when signed out", async () => {
    expect((await app.current.graphql(`{ viewer { id } }`)).body).toEqual({ data: { viewer: null } });
  });
});
