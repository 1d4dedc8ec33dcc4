import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The jobs a domain's files may have, one name each (README: Adding a field, a list, a mutation). */
const DOMAIN_FILES = ["types.ts", "queries.ts", "mutations.ts", "subscriptions.ts", "lists.ts", "access.ts", "service.ts", "loaders.ts"];

describe("the schema's domains", () => {
  it("use the same file names for the same jobs", () => {
    const root = "src/schema";
    const domains = readdirSync(root).filter((entry) => statSync(path.join(root, entry)).isDirectory());
    expect(domains.length).toBeGreaterThanOrEqual(8);
    const strays = domains.flatMap((domain) => readdirSync(path.join(root, domain)).filter((file) => !DOMAIN_FILES.includes(file)).map((file) => `${domain}/${file}`));
    expect(strays).toEqual([]);
  });
});
