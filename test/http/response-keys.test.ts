import { beforeAll, describe, expect, it } from "vitest";
import { createPost, expectNoErrors, signUp, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Every response key a document names comes back as its own key, whatever
 * its name: the executor builds answers as plain objects (the patch to
 * @graphql-tools/executor, patches/README.md), on which `__proto__` would
 * set the prototype instead of a key, and `constructor` or `toString` would
 * shadow the inherited ones. Each is asked as an alias where a field is
 * answered at once, where it waits on a statement, in a list, and in a
 * mutation, whose fields run one after another.
 */
const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

/** The keys of `value` as it came over the wire (JSON.parse defines `__proto__` as an own key). */
const keys = (value: unknown) => Object.keys(value as object);

describe("response keys that name Object.prototype's members", () => {
  const app = useTestApp("pglite");
  let writer: TestUser;

  beforeAll(async () => {
    writer = await signUp(app.current);
    await createPost(app.current, writer, { title: "Keys" });
  });

  it("answers each as its own key, in the document's order, at once and after a statement", async () => {
    const aliases = (field: string) => NAMES.map((name) => `${name}: ${field}`).join(" ");
    const response = await app.current.graphql(
      `query($h: String!) { ${aliases("__typename")} user(handle: $h) { ${aliases("handle")} posts(first: 5) { edges { node { ${aliases("title")} } } } } }`,
      { variables: { h: writer.handle } },
    );
    expectNoErrors(response);
    const data = response.body.data as Record<string, any>;
    expect(keys(data)).toEqual([...NAMES, "user"]);
    for (const name of NAMES) expect(Object.getOwnPropertyDescriptor(data, name)?.value).toBe("Query");
    expect(keys(data.user)).toEqual([...NAMES, "posts"]);
    for (const name of NAMES) expect(Object.getOwnPropertyDescriptor(data.user, name)?.value).toBe(writer.handle);
    const [edge] = data.user.posts.edges;
    expect(keys(edge.node)).toEqual(NAMES);
    for (const name of NAMES) expect(Object.getOwnPropertyDescriptor(edge.node, name)?.value).toBe("Keys");
  });

  it("answers each as its own key in a mutation", async () => {
    const response = await app.current.graphql(
      `mutation($input: LogInInput!) { ${NAMES.map((name) => `${name}: logIn(input: $input) { user { handle } }`).join(" ")} }`,
      { variables: { input: { email: writer.email, password: writer.password } } },
    );
    expectNoErrors(response);
    const data = response.body.data as Record<string, any>;
    expect(keys(data)).toEqual(NAMES);
    for (const name of NAMES) expect(Object.getOwnPropertyDescriptor(data, name)?.value).toEqual({ user: { handle: writer.handle } });
  });
});
