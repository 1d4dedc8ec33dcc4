import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ErrorCode } from "../errors.js";

/**
 * Trusted documents (persisted operations): the operations a client team
 * generated with `npm run codegen` are listed in a manifest,
 * client/gql/persisted-documents.json, by the sha256 of their text. A client
 * may send an id instead of the text, either way in use:
 * - Apollo's `extensions: { persistedQuery: { version: 1, sha256Hash } }`;
 * - GraphQL over HTTP's `documentId` (in the JSON body, or the query string of a GET);
 * - Relay's `doc_id`, as its persisted-queries guide's network layer sends it.
 * An id is the hex digest, with or without a `sha256:` prefix.
 *
 * `only` runs nothing but the manifest's documents: an unknown id is
 * PERSISTED_QUERY_NOT_FOUND (404) and a document sent as text is
 * PERSISTED_QUERY_ONLY (403). `allow` runs the manifest's documents by id
 * and any other document as text (GraphiQL works). `off` ignores ids.
 */
export type TrustedDocumentsMode = "off" | "allow" | "only";

/** The manifest as a map from hex digest to document text. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const DIGEST = /^(?:sha256:)?([0-9a-f]{64})$/;

/**
 * Reads the manifests into one map and checks every entry: the key must be
 * the sha256 of its text (hex, with or without `sha256:`: codegen's and
 * relay-compiler's `persistConfig` with `"algorithm": "SHA256"` alike), so
 * a manifest edited by hand cannot smuggle a document in under another's
 * id. A bad manifest stops the server with the entry at fault.
 */
export async function loadTrustedDocuments(manifestPaths: readonly string[]): Promise<TrustedDocuments> {
  const documents = new Map<string, string>();
  for (const manifestPath of manifestPaths) for (const [digest, text] of await readManifest(manifestPath)) documents.set(digest, text);
  return documents;
}

async function readManifest(manifestPath: string): Promise<Map<string, string>> {
  let entries: Record<string, unknown>;
  try {
    entries = JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`TRUSTED_DOCUMENTS_MANIFEST: cannot read ${manifestPath}: ${(error as Error).message}`, { cause: error });
  }
  const documents = new Map<string, string>();
  for (const [key, text] of Object.entries(entries)) {
    const digest = DIGEST.exec(key)?.[1];
    if (!digest || typeof text !== "string" || createHash("sha256").update(text).digest("hex") !== digest) {
      throw new Error(`TRUSTED_DOCUMENTS_MANIFEST: the entry "${key}" in ${manifestPath} is not a document under the sha256 of its text`);
    }
    documents.set(digest, text);
  }
  return documents;
}

/** The id a request names its document by, from any of the places clients put it; null when none. */
export function documentIdOf(params: { extensions?: Record<string, unknown> | null; documentId?: unknown; doc_id?: unknown }, request: Request): string | null {
  const persistedQuery = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  const raw =
    (typeof params.documentId === "string" ? params.documentId : null) ??
    (typeof params.doc_id === "string" ? params.doc_id : null) ??
    (persistedQuery?.version === 1 && typeof persistedQuery.sha256Hash === "string" ? persistedQuery.sha256Hash : null) ??
    (request.method === "GET" ? new URL(request.url).searchParams.get("documentId") : null);
  if (raw === null) return null;
  // Anything else can be no manifest's key: answered as an unknown id, without echoing it.
  return DIGEST.exec(raw)?.[1] ?? "";
}

const clientError = (code: ErrorCode, message: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

export function useTrustedDocuments(mode: Exclude<TrustedDocumentsMode, "off">, documents: TrustedDocuments): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (id) => documents.get(id) ?? null,
    allowArbitraryOperations: mode === "allow",
    extractPersistedOperationId: (params, request) => documentIdOf(params as Parameters<typeof documentIdOf>[0], request),
    // The manifest was validated against the schema when it was generated, but the schema
    // moves on; validating again is cheap next to running the document.
    skipDocumentValidation: false,
    customErrors: {
      notFound: () => clientError("PERSISTED_QUERY_NOT_FOUND", "No trusted document has this id. Regenerate the client (npm run codegen) or send the document.", 404),
      persistedQueryOnly: () =>
        clientError("PERSISTED_QUERY_ONLY", "This server runs trusted documents only: send a documentId (or persistedQuery.sha256Hash) from the manifest, not a document.", 403),
      keyNotFound: () => clientError("BAD_USER_INPUT", "The request has neither a document (query) nor a documentId.", 400),
    },
  });
}
