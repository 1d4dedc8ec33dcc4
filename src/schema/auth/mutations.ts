import { builder } from "../../builder.js";
import { logIn, signUp } from "./service.js";
import { AuthPayload } from "./types.js";

const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: "8 to 256 characters." }),
    handle: t.string({ required: true, description: "3 to 30 lower-case letters, digits or underscores." }),
    name: t.string({ required: true }),
  }),
});

const LogInInput = builder.inputType("LogInInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_root, { input }, ctx) => signUp(ctx.db, ctx.services.tokens, input),
  }),
  logIn: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: (_root, { input }, ctx) => logIn(ctx.db, ctx.services.tokens, input),
  }),
}));
