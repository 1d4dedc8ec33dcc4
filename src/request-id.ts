import { randomUUID } from "node:crypto";

const ids = new WeakMap<Request, string>();
// Accept a caller's id only if it is short and printable, so it can go into
// logs and headers as it is.
const acceptable = /^[\w.:-]{1,128}$/;

/** The request's id: the caller's `x-request-id` if usable, else a new UUID. Stable per request. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get("x-request-id");
    id = given && acceptable.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
}
