import pg from "pg";
import { describe, expect, it } from "vitest";
import { startWireCounter } from "../../bench/lib/wire-counter.js";

/** The benchmark's statement counts are only as good as this proxy; it needs a PostgreSQL server to sit in front of. */
describe.skipIf(!process.env.TEST_DATABASE_URL)("the benchmark's wire statement counter", () => {
  it("counts simple and extended-protocol statements, and nothing else", async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(target);
    proxied.port = String(counter.port);
    const client = new pg.Client({ connectionString: proxied.toString() });
    try {
      await client.connect();
      expect(counter.statements()).toBe(0); // the startup exchange is not a statement
      await client.query("SELECT 1"); // simple protocol: one Query message
      await client.query("SELECT $1::int AS n", [2]); // extended: Parse, Bind, Describe, Execute, Sync
      await client.query({ name: "named", text: "SELECT $1::int AS n", values: [3] });
      const { rows } = await client.query({ name: "named", text: "SELECT $1::int AS n", values: [4] }); // prepared: no Parse
      expect(rows).toEqual([{ n: 4 }]);
      expect(counter.statements()).toBe(4);
    } finally {
      await client.end();
      await counter.close();
    }
  });
});
