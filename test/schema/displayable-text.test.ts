import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BadUserInputError } from "../../src/errors.js";
import { emailAddress, MAX_COMBINING_MARKS, multiLineText, singleLineText } from "../../src/schema/text.js";
import { grant, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { useTestApp, type GraphQLResponse, type TestApp } from "../support/test-app.js";

/**
 * One rule for text people will see (src/schema/text.ts): no direction
 * overrides, embeddings or isolates anywhere, no direction marks in a single
 * line, at most four combining marks on a character. Checked on the rule
 * itself with random text, and through every mutation that stores text.
 */
const RLO = "\u202e";
// NFC composes e with its first acute accent; six marks are left on it.
const ZALGO = `Ze${"\u0301\u0302\u0303\u0304\u0305\u0306\u0307"}lgo`;

const HOSTILE: [string, string, "single" | "any"][] = [
  ["a right-to-left override", `Invoice ${RLO}fdp.exe`, "any"],
  ["a left-to-right embedding", "a\u202ab\u202cc", "any"],
  ["a first-strong isolate", "a\u2068b\u2069", "any"],
  ["six combining marks on one letter", ZALGO, "any"],
  ["five marks with joiners between them", `x\u0301\u200d\u0302\u200c\u0303\u0304\u200d\u0305`, "any"],
  ["a right-to-left mark", "name\u200f", "single"],
];

/** Text from scripts and emoji that use marks and joiners as they should. */
const REAL = [
  "Tiê\u0301ng Vie\u0323\u0302t", // Vietnamese, decomposed: NFC composes it
  "क्षत्रिय और हिन्दी",
  "ที่นี่มีน้ำ",
  "བསྒྲུབས་",
  "Keycap 1\ufe0f\u20e3 and family 👨‍👩‍👧‍👦",
  "שלום עולם",
];

describe("the displayable-text rule", () => {
  const refuses = (run: () => unknown) => expect(run).toThrow(BadUserInputError);

  it.each(HOSTILE)("refuses %s", (_case, text, where) => {
    refuses(() => singleLineText(text, "f", "A title", 200));
    if (where === "any") refuses(() => multiLineText(text, "f", "A body", 200));
    else expect(multiLineText(text, "f", "A body", 200)).toBe(text.normalize("NFC"));
  });

  it.each(REAL)("keeps %s", (text) => {
    expect(singleLineText(text, "f", "A title", 200)).toBe(text.normalize("NFC"));
    expect(multiLineText(`${text}\n\n\u200f${text}`, "f", "A body", 500)).toBe(`${text}\n\n\u200f${text}`.normalize("NFC"));
  });

  it("refuses emails with invisible or control characters", () => {
    expect(emailAddress(" Ada@Example.com ")).toBe("ada@example.com");
    for (const hostile of [`ada${RLO}@example.com`, "ada\u200b@example.com", "ada@exam\u0000ple.com"]) expect(emailAddress(hostile)).toBeNull();
  });

  it("never lets through what it promises to keep out, whatever the input (random text)", () => {
    const character = fc.oneof(
      fc.constantFrom("a", "é", " ", "\n", "\u0301", "\u0308", "\u200d", "\u200c", RLO, "\u2066", "\u200f", "\u061c", "👩", "\ufe0f", "ب"),
      fc.string({ unit: "grapheme", maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.array(character, { maxLength: 40 }).map((parts) => parts.join("")), fc.boolean(), (text, lines) => {
        let kept: string;
        try {
          kept = lines ? multiLineText(text, "f", "Text", 1_000) : singleLineText(text, "f", "Text", 1_000);
        } catch (error) {
          expect(error).toBeInstanceOf(BadUserInputError);
          return;
        }
        expect(kept).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/u);
        if (!lines) expect(kept).not.toMatch(/[\u200e\u200f\u061c\n]/u);
        const longestStack = Math.max(0, ...[...kept.matchAll(/\p{M}(?:[\u200c\u200d]*\p{M})*/gu)].map((run) => run[0].match(/\p{M}/gu)!.length));
        expect(longestStack).toBeLessThanOrEqual(MAX_COMBINING_MARKS);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });
});

describe.each(testDatabaseKinds)("displayable text in every mutation that stores it, on %s", (kind) => {
  const app = useTestApp(kind);
  let author: TestUser;
  let post: { id: string };
  let comment: string;
  let recipient: TestUser;

  beforeAll(async () => {
    const t = app.current;
    author = await signUp(t);
    post = await createPost(t, author);
    comment = await addComment(t, author, post.id);
    const [admin, reader] = await usersWithTokens(t, 2, "ADMIN");
    recipient = reader!;
    await grant(t, admin!, author, 100);
  });

  /** Each field that stores text a person will see, as a mutation that writes `text` there. */
  const writes = (t: TestApp, text: string): [string, string, () => Promise<GraphQLResponse>][] => [
    ["createPost title", "input.title", () => t.graphql(`mutation($i: CreatePostInput!) { createPost(input: $i) { id } }`, { token: author.token, variables: { i: { title: text, body: "Body." } } })],
    ["createPost body", "input.body", () => t.graphql(`mutation($i: CreatePostInput!) { createPost(input: $i) { id } }`, { token: author.token, variables: { i: { title: "Title", body: text } } })],
    ["updatePost title", "input.title", () => t.graphql(`mutation($i: UpdatePostInput!) { updatePost(input: $i) { id } }`, { token: author.token, variables: { i: { id: post.id, title: text } } })],
    ["importPosts title", "input.posts.0.title", () => t.graphql(`mutation($i: ImportPostsInput!) { importPosts(input: $i) { failedCount results { error { code field } } } }`, { token: author.token, variables: { i: { posts: [{ title: text, body: "Body." }] } } })],
    ["addComment body", "input.body", () => t.graphql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { token: author.token, variables: { i: { postId: post.id, body: text } } })],
    ["updateComment body", "input.body", () => t.graphql(`mutation($i: UpdateCommentInput!) { updateComment(input: $i) { id } }`, { token: author.token, variables: { i: { id: comment, body: text } } })],
    ["updateProfile name", "input.name", () => t.graphql(`mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { id } }`, { token: author.token, variables: { i: { name: text } } })],
    ["updateProfile bio", "input.bio", () => t.graphql(`mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { id } }`, { token: author.token, variables: { i: { bio: text } } })],
    ["signUp name", "input.name", () => t.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, { variables: { i: { email: `${unique("d")}@example.com`, handle: unique("d"), password: "long enough password", name: text } } })],
    ["sendCredits note", "input.note", () => t.graphql(`mutation($i: SendCreditsInput!) { sendCredits(input: $i) { id } }`, { token: author.token, variables: { i: { toUserId: recipient.id, amount: 1, note: text } } })],
  ];

  it.each(HOSTILE.filter(([, , where]) => where === "any"))("refuses %s in every field, with BAD_USER_INPUT naming it, and stores nothing", async (_case, text) => {
    const t = app.current;
    const before = await t.app.database.prisma.auditEvent.count();
    for (const [name, field, write] of writes(t, text)) {
      const response = await write();
      const error = response.body.errors?.[0] ?? (response.body.data as any)?.importPosts?.results?.[0]?.error;
      expect(error, name).toBeDefined();
      if (response.body.errors) expect(response.body.errors, name).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field } }]);
      else expect(error, name).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    expect(await t.app.database.prisma.auditEvent.count()).toBe(before);
  });

  it("keeps real text in every field", async () => {
    const t = app.current;
    for (const [name, , write] of writes(t, "क्षत्रिय, Tiếng Việt, שלום 👨‍👩‍👧‍👦")) {
      const response = await write();
      expectNoErrors(response);
      if (name === "importPosts title") expect(response.body.data!.importPosts.failedCount).toBe(0);
    }
  });
});
