/**
 * GraphQL Code Generator: `npm run codegen` writes the typed SDK in
 * client/gql/ from the committed schema.graphql (no server, no network) and
 * the operations a frontend uses, client/operations/*.graphql. It also
 * writes client/gql/persisted-documents.json, the trusted-documents
 * manifest (sha256 of each document), which the server loads with
 * TRUSTED_DOCUMENTS_MANIFEST. test/client/codegen.test.ts fails when the
 * committed output is stale.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["client/operations/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "client/gql/": {
      preset: "client",
      // Every selection set asks for __typename, as normalising caches (Apollo
      // Client's, urql's graphcache, Relay's store) add it before they send a
      // document. With it already there they send the document unchanged, so
      // the hash codegen stored on it (`__meta__.hash`) is the hash of what
      // the manifest holds, and Apollo's persisted-query link can send it.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      presetConfig: {
        // Results typed whole: a fragment's fields are read straight off the result.
        fragmentMasking: false,
        // Each document keeps its text and carries its hash (`__meta__.hash`), so a client
        // can send either; the manifest maps every hash to its text.
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        // What the JSON on the wire holds: DateTime is an ISO 8601 string, IDs are strings.
        scalars: { DateTime: "string", ID: "string" },
        strictScalars: true,
        enumsAsTypes: true,
        useTypeImports: true,
        // ESM with explicit extensions, for Node's resolver as for bundlers.
        emitLegacyCommonJSImports: false,
      },
    },
  },
};

export default config;
