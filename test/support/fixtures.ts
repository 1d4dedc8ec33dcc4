import { expect } from "vitest";
import type { GraphQLResponse, TestApp } from "./test-app.js";

/**
 * Builds data through the public API with unique values, so tests never
 * depend on each other, on order, or on what else is in the database.
 */
let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${counter}`.toLowerCase().slice(0, 30);
}

export interface TestUser {
  id: string;
  handle: string;
  email: string;
  password: string;
  token: string;
}

export function expectNoErrors(response: GraphQLResponse): void {
  expect(response.body.errors, JSON.stringify(response.body.errors)).toBeUndefined();
}

export async function signUp(t: TestApp, overrides: { handle?: string; email?: string; name?: string } = {}): Promise<TestUser> {
  const handle = overrides.handle ?? unique("u");
  const email = overrides.email ?? `${handle}@example.com`;
  const password = "correct horse battery";
  const response = await t.graphql<{ signUp: { token: string; user: { id: string } } }>(
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`,
    { variables: { input: { email, handle, password, name: overrides.name ?? `Name ${handle}` } } },
  );
  expectNoErrors(response);
  const { token, user } = response.body.data!.signUp;
  return { id: user.id, handle, email, password, token };
}

export interface TestPost {
  id: string;
  slug: string;
}

export async function createPost(
  t: TestApp,
  author: TestUser,
  input: { title?: string; body?: string; tags?: string[]; publish?: boolean } = {},
): Promise<TestPost> {
  const created = await t.graphql<{ createPost: TestPost }>(
    `mutation Create($input: CreatePostInput!) { createPost(input: $input) { id slug } }`,
    {
      token: author.token,
      variables: { input: { title: input.title ?? unique("Title "), body: input.body ?? "Some words.", tags: input.tags ?? [] } },
    },
  );
  expectNoErrors(created);
  const post = created.body.data!.createPost;
  if (input.publish ?? true) {
    const published = await t.graphql(`mutation Publish($id: ID!) { publishPost(id: $id) { id } }`, {
      token: author.token,
      variables: { id: post.id },
    });
    expectNoErrors(published);
  }
  return post;
}

export async function addComment(t: TestApp, author: TestUser, postId: string, body = "Nice."): Promise<string> {
  const response = await t.graphql<{ addComment: { id: string } }>(
    `mutation Comment($input: AddCommentInput!) { addComment(input: $input) { id } }`,
    { token: author.token, variables: { input: { postId, body } } },
  );
  expectNoErrors(response);
  return response.body.data!.addComment.id;
}

/** The error codes of a response, in order. */
export function errorCodes(response: GraphQLResponse): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}
