/**
 * Whether an error is a serialization failure (40001) or a deadlock
 * (40P01): the transaction lost a race and may succeed if run again.
 * Prisma surfaces these in three shapes, all recognised here:
 * - P2034 ("write conflict or deadlock") from model queries;
 * - P2010 ("raw query failed") from $queryRaw / $executeRaw, with the
 *   SQLSTATE in `meta.code` and the adapter's error in `meta.driverAdapterError`;
 * - the driver adapter's own error, of kind TransactionWriteConflict, when
 *   COMMIT fails (a serializable transaction is checked there).
 */
export function isWriteConflict(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 6) return false;
  const { code, kind, originalCode, meta, cause, originalError } = error as {
    code?: unknown;
    kind?: unknown;
    originalCode?: unknown;
    meta?: { code?: unknown; driverAdapterError?: unknown };
    cause?: unknown;
    originalError?: unknown;
  };
  if (code === "P2034" || code === "40001" || code === "40P01") return true;
  if (kind === "TransactionWriteConflict" || originalCode === "40001" || originalCode === "40P01") return true;
  if (code === "P2010" && (meta?.code === "40001" || meta?.code === "40P01")) return true;
  return [cause, originalError, meta?.driverAdapterError].some((inner) => inner !== error && isWriteConflict(inner, depth + 1));
}
