import { builder } from "../../builder.js";
import { TEXT_LIMITS } from "../text.js";
import type { Context } from "../../context.js";
import { inOpenWork, type OpenMutationWork } from "../mutation-work.js";
import { logIn, signUp, type AuthDeps, type AuthResult } from "./service.js";
import { AuthPayload } from "./types.js";

const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.email } }),
    password: t.string({ required: true, description: "At least 8 characters.", extensions: { maxLength: TEXT_LIMITS.password } }),
    handle: t.string({
      required: true,
      description: "Lower-case letters, digits or underscores; at least 3.",
      extensions: { maxLength: TEXT_LIMITS.handle },
    }),
    name: t.string({ required: true, description: "Visible text on one line.", extensions: { maxLength: TEXT_LIMITS.name } }),
  }),
});

const LogInInput = builder.inputType("LogInInput", {
  fields: (t) => ({
    email: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.email } }),
    password: t.string({ required: true, extensions: { maxLength: TEXT_LIMITS.password } }),
  }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    // Open to anyone: it is how a viewer comes to be.
    skipTypeScopes: true,
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_root, { input }, ctx) => inOpenWork(ctx, (work) => signedIn(work, signUp(work.tx, authDeps(ctx, work), input))),
  }),
  logIn: t.field({
    type: AuthPayload,
    // Open to anyone: it is how a viewer comes to be.
    skipTypeScopes: true,
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: (_root, { input }, ctx) => inOpenWork(ctx, (work) => signedIn(work, logIn(work.tx, authDeps(ctx, work), input))),
  }),
}));

/** The operation now answers for the account it signed in to: its payload shows that account's own fields. */
async function signedIn(work: OpenMutationWork, result: Promise<AuthResult>): Promise<AuthResult> {
  const done = await result;
  work.signedIn(done.userId);
  return done;
}

function authDeps(ctx: Pick<Context, "auth" | "client">, work: OpenMutationWork): AuthDeps {
  const { tokens, attempts } = ctx.auth;
  return { tokens, attempts, address: ctx.client.address, reader: work.reader };
}
