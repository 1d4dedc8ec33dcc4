/**
 * `cache: false` keeps batching but forgets answers once delivered. Inside
 * a mutation, root field 2 may change what field 1's payload already
 * counted, so a remembered count would be stale.
 */
export interface LoaderOptions {
  cache: boolean;
}
