import { describe, expect, it } from "vitest";
import { statementNames } from "../../src/db/statement-names.js";

const query = (sql: string) => ({ sql, args: [], argTypes: [] });

describe("prepared statement names", () => {
  it("gives a text the same name every time and different texts different names", () => {
    const name = statementNames();
    expect(name(query("SELECT 1"))).toBe(name(query("SELECT 1")));
    expect(name(query("SELECT 1"))).not.toBe(name(query("SELECT 2")));
    expect(name(query("SELECT 1"))).toMatch(/^inkwell_[\w-]{27}$/);
  });

  it("names only the first distinct texts, so connections never prepare without bound", () => {
    const name = statementNames(2);
    const [a, b] = [name(query("SELECT 1")), name(query("SELECT 2"))];
    expect(name(query("SELECT 3"))).toBeUndefined();
    expect([name(query("SELECT 1")), name(query("SELECT 2"))]).toEqual([a, b]);
  });
});
