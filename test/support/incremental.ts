/**
 * Reads an answer sent in parts over server-sent events (`Accept:
 * text/event-stream`), as GraphiQL and SDK clients do for `@defer` and
 * `@stream`: each `next` event is one part.
 */
export async function* eventStreamParts(response: Response): AsyncGenerator<Record<string, any>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const kind = /^event: (\w+)$/m.exec(event)?.[1];
        const data = event.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (kind === "complete") return;
        if (kind === "next" && data) yield JSON.parse(data) as Record<string, any>;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The items of a streamed list field, put back together from the parts of its answer. */
export function streamedItems(parts: readonly Record<string, any>[], field: string): unknown[] {
  const items: unknown[] = [...(parts[0]?.data?.[field] ?? [])];
  for (const part of parts.slice(1)) {
    for (const entry of part.incremental ?? []) if (entry.items) items.push(...entry.items);
  }
  return items;
}
