import { builder } from "../../builder.js";
import { TEXT_LIMITS } from "../text.js";
import type { Context } from "../../context.js";
import { logIn, signUp, type AuthDeps } from "./service.js";
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
    resolve: (_root, { input }, ctx) => signUp(ctx.db, authDeps(ctx), input),
  }),
  logIn: t.field({
    type: AuthPayload,
    // Open to anyone: it is how a viewer comes to be.
    skipTypeScopes: true,
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: (_root, { input }, ctx) => logIn(ctx.db, authDeps(ctx), input),
  }),
}));

function authDeps(ctx: Context): AuthDeps {
  const { tokens, attempts, prisma } = ctx.services;
  return { tokens, attempts, address: ctx.clientAddress, reader: prisma };
}
