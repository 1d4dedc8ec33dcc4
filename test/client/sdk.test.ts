import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AddCommentDocument,
  CommentAddedDocument,
  CreditsChangedDocument,
  createInkwellClient,
  CreatePostDocument,
  FeedDocument,
  LogInDocument,
  MeDocument,
  MyCreditsDocument,
  PostPageDocument,
  PostPublishedDocument,
  ProfileDocument,
  PublishPostDocument,
  SendCreditsDocument,
  SignUpDocument,
  UpdatePostDocument,
  type CommentAddedSubscription,
  type FeedQuery,
  type PostPageQuery,
  type PostPublishedSubscription,
} from "../../client/index.js";
import { GRANT } from "../credits/support.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

const MANIFEST = path.resolve("client/gql/persisted-documents.json");

/** The SDK's client against the in-process server, as a browser or Node app would use it. */
function clientFor(t: TestApp, options: { token?: () => string | null; trustedDocuments?: boolean } = {}) {
  return createInkwellClient({
    url: "http://inkwell.test/graphql",
    fetch: (input, init) => Promise.resolve(t.app.yoga.fetch(new URL(String(input)), init ?? {})),
    cache: false,
    ...options,
  });
}

/** Every operation in client/operations, in the order a new writer meets them, with their typed results. */
async function walkThrough(t: TestApp, trustedDocuments: boolean, handle: string) {
  let token: string | null = null;
  const inkwell = clientFor(t, { token: () => token, trustedDocuments });

  const signedUp = await inkwell.mutation(SignUpDocument, { input: { email: `${handle}@example.com`, handle, name: "Ada", password: "correct horse battery" } }).toPromise();
  expect(signedUp.error).toBeUndefined();
  // Typed: the signed-in user's own email is a string here, not null.
  const email: string | null | undefined = signedUp.data?.signUp.user.email;
  expect(email).toBe(`${handle}@example.com`);
  const loggedIn = await inkwell.mutation(LogInDocument, { input: { email: `${handle}@example.com`, password: "correct horse battery" } }).toPromise();
  token = loggedIn.data!.logIn.token;

  const me = await inkwell.query(MeDocument, {}).toPromise();
  expect(me.data?.viewer).toMatchObject({ handle, email: `${handle}@example.com`, credits: { balance: 0 } });

  const created = await inkwell.mutation(CreatePostDocument, { input: { title: "Typed from the SDK", body: "Hello.", tags: ["sdk"] } }).toPromise();
  expect(created.data?.createPost).toMatchObject({ status: "DRAFT", title: "Typed from the SDK" });
  const postId = created.data!.createPost.id;
  const updated = await inkwell.mutation(UpdatePostDocument, { input: { id: postId, body: "Hello, again." } }).toPromise();
  expect(updated.data?.updatePost.body).toBe("Hello, again.");
  // The feed's new posts, live: open before the post is published (the server counts it open once it has its position).
  const openLive = async () => Number((await (await t.fetch("/metrics")).text()).match(/^inkwell_subscriptions_open\{field="postPublished"\} (\d+)/m)?.[1] ?? 0);
  const openBefore = await openLive();
  const newPosts: PostPublishedSubscription["postPublished"][] = [];
  const feedLive = inkwell.subscription(PostPublishedDocument, { tag: "sdk" }).subscribe((result) => {
    if (result.data) newPosts.push(result.data.postPublished);
  });
  await expect.poll(openLive, { timeout: 5_000 }).toBe(openBefore + 1);
  const published = await inkwell.mutation(PublishPostDocument, { id: postId }).toPromise();
  await expect.poll(() => newPosts.map((edge) => edge.node.id), { timeout: 5_000 }).toEqual([postId]);
  expect(newPosts[0]).toMatchObject({ cursor: expect.any(String), node: { title: "Typed from the SDK", author: { handle }, tags: [{ name: "sdk" }] } });
  feedLive.unsubscribe();
  await expect.poll(openLive, { timeout: 5_000 }).toBe(openBefore);
  // DateTime is a string on the wire, and typed as one.
  const publishedAt: string | null = published.data!.publishPost.publishedAt;
  expect(new Date(publishedAt!).toISOString()).toBe(publishedAt);

  const feed = await inkwell.query(FeedDocument, { first: 5, tag: "sdk" }).toPromise();
  const card: FeedQuery["posts"]["edges"][number]["node"] | undefined = feed.data?.posts.edges.find((edge) => edge.node.id === postId)?.node;
  expect(card).toMatchObject({ title: "Typed from the SDK", author: { handle }, tags: [{ name: "sdk" }], commentCount: 0 });

  const commented = await inkwell.mutation(AddCommentDocument, { input: { postId, body: "First!" } }).toPromise();
  expect(commented.data?.addComment).toMatchObject({ body: "First!", viewerCanEdit: true, viewerCanDelete: true, author: { handle } });

  const page = await inkwell.query(PostPageDocument, { slug: published.data!.publishPost.slug }).toPromise();
  const post: PostPageQuery["post"] = page.data!.post;
  expect(post).toMatchObject({ viewerCanEdit: true, viewerCanDelete: true, viewerCanComment: true, comments: { totalCount: 1, edges: [{ node: { body: "First!" } }] } });

  // Live comments after the page's last one: one added now arrives, typed.
  const live: CommentAddedSubscription["commentAdded"][] = [];
  const stream = inkwell.subscription(CommentAddedDocument, { postId, after: post!.comments.pageInfo.endCursor }).subscribe((result) => {
    if (result.data) live.push(result.data.commentAdded);
  });
  const second = await inkwell.mutation(AddCommentDocument, { input: { postId, body: "Second, live." } }).toPromise();
  await expect.poll(() => live.map((edge) => edge.node.body), { timeout: 5_000 }).toEqual(["Second, live."]);
  expect(live[0]!.node.id).toBe(second.data!.addComment.id);
  stream.unsubscribe();
  const balances: number[] = [];
  const credits = inkwell.subscription(CreditsChangedDocument, {}).subscribe((result) => {
    if (result.data) balances.push(result.data.creditsChanged.balance);
  });
  await expect.poll(() => balances, { timeout: 5_000 }).toEqual([0]);
  credits.unsubscribe();

  const profile = await inkwell.query(ProfileDocument, { handle }).toPromise();
  expect(profile.data?.user).toMatchObject({ handle, postCount: 1, posts: { totalCount: 1 } });
  return { token: () => token };
}

describe("the typed SDK (client/index.ts)", () => {
  const app = useTestApp("pglite");

  it("runs every operation in client/operations against the server, with typed results", async () => {
    const t = app.current;
    const ada = await walkThrough(t, false, "ada_sdk");
    // Credits: an admin grants, the writer sends some on.
    const grace = await walkThrough(t, false, "grace_sdk");
    await t.app.database.prisma.user.update({ where: { handle: "grace_sdk" }, data: { role: "ADMIN" } });
    const adaId = (await t.graphql(`{ user(handle: "ada_sdk") { id } }`)).body.data!.user.id as string;
    const graceId = (await t.graphql(`{ user(handle: "grace_sdk") { id } }`)).body.data!.user.id as string;
    const granted = await t.graphql(GRANT, { token: grace.token()!, variables: { input: { toUserId: adaId, amount: 50 } } });
    expect(granted.body.errors).toBeUndefined();
    const inkwell = clientFor(t, { token: ada.token });
    const sent = await inkwell.mutation(SendCreditsDocument, { input: { toUserId: graceId, amount: 20, note: "Thanks" } }).toPromise();
    expect(sent.data?.sendCredits).toMatchObject({ amount: 20, note: "Thanks", to: { handle: "grace_sdk" } });
    const mine = await inkwell.query(MyCreditsDocument, { first: 5 }).toPromise();
    const balance: number | undefined = mine.data?.viewer?.credits?.balance;
    expect(balance).toBe(30);
    expect(mine.data?.viewer?.credits?.entries.edges.map((edge) => edge.node.amount)).toEqual([-20, 50]);
    // A client mistake comes back as a typed error with its code.
    const refused = await inkwell.mutation(SendCreditsDocument, { input: { toUserId: graceId, amount: 1_000 } }).toPromise();
    expect(refused.error?.graphQLErrors[0]?.extensions.code).toBe("INSUFFICIENT_CREDITS");
  });
});

describe("the typed SDK against TRUSTED_DOCUMENTS=only", () => {
  const app = useTestApp("pglite", { env: { TRUSTED_DOCUMENTS: "only", TRUSTED_DOCUMENTS_MANIFEST: MANIFEST } });

  it("sends documents by id and every operation runs; the same client sending text is refused", async () => {
    const t = app.current;
    await walkThrough(t, true, "ada_trusted");
    const byText = await clientFor(t).query(FeedDocument, { first: 1 }).toPromise();
    expect(byText.error?.graphQLErrors[0]?.extensions.code).toBe("PERSISTED_QUERY_ONLY");
  });
});
