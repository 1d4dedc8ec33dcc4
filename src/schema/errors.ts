import { builder } from "../builder.js";
import { ERROR_CODE_DESCRIPTIONS } from "../errors.js";

/**
 * The error contract, readable in the schema by clients and code
 * generators: every error a client can get carries one of these values in
 * `extensions.code`, and some carry more in `extensions` (`field`, `reason`,
 * `retryAfter`, `requestId`), as each value's description says.
 */
export const ErrorCode = builder.enumType("ErrorCode", {
  description:
    "Every value `extensions.code` can take on an error. Errors may also carry `extensions.field` (the argument or input field at fault), " +
    "`extensions.reason` (a refinement, like DEPTH_LIMIT), `extensions.retryAfter` (seconds) and `extensions.requestId` (on server-side errors, for the logs). " +
    "Branch on the code, never on the message.",
  values: Object.fromEntries(Object.entries(ERROR_CODE_DESCRIPTIONS).map(([code, description]) => [code, { description }])) as {
    [Code in keyof typeof ERROR_CODE_DESCRIPTIONS]: { description: string };
  },
});
