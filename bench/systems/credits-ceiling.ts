/**
 * The W6 ceiling: Node's http server and raw `pg` doing the same locked
 * transfer Inkwell does, one round trip per statement (BEGIN, the ordered
 * FOR UPDATE, the statement that moves the money, COMMIT), with none of
 * the rest: no GraphQL, no token, no audit event, no payload read.
 * Body: {"from": userId, "to": userId, "amount": n}.
 */
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });

const LOCK = `SELECT "id", "user_id", "balance" FROM "credit_accounts" WHERE "user_id" IN ($1, $2) ORDER BY "id" FOR UPDATE`;
const MOVE = `
  WITH "t" AS (INSERT INTO "transfers" ("kind", "from_account_id", "to_account_id", "amount") VALUES ('SEND', $1, $2, $3) RETURNING "id", "created_at"),
  "f" AS (UPDATE "credit_accounts" SET "balance" = "balance" - $3 WHERE "id" = $1 RETURNING "balance"),
  "r" AS (UPDATE "credit_accounts" SET "balance" = "balance" + $3 WHERE "id" = $2 RETURNING "balance")
  INSERT INTO "ledger_entries" ("account_id", "transfer_id", "amount", "balance_after", "created_at")
  SELECT $1::int, "t"."id", -$3::int, "f"."balance", "t"."created_at" FROM "t", "f"
  UNION ALL SELECT $2::int, "t"."id", $3::int, "r"."balance", "t"."created_at" FROM "t", "r"
  RETURNING "transfer_id"`;

async function transfer(from: number, to: number, amount: number): Promise<object> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: number; user_id: number; balance: number }>(LOCK, [from, to]);
    const source = rows.find((row) => row.user_id === from)!;
    const target = rows.find((row) => row.user_id === to)!;
    if (source.balance < amount) {
      await client.query("ROLLBACK");
      return { errors: [{ message: "insufficient", extensions: { code: "INSUFFICIENT_CREDITS" } }] };
    }
    const moved = await client.query<{ transfer_id: number }>(MOVE, [source.id, target.id, amount]);
    await client.query("COMMIT");
    return { data: { sendCredits: { id: moved.rows[0]!.transfer_id, amount } } };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

createServer((request, response) => {
  let text = "";
  request.on("data", (chunk) => (text += chunk));
  request.on("end", () => {
    const body = JSON.parse(text || "{}") as { from?: number; to?: number; amount?: number };
    const answer = body.from === undefined ? Promise.resolve({ data: { __typename: "Query" } }) : transfer(body.from, body.to!, body.amount!);
    answer.then(
      (result) => {
        const json = JSON.stringify(result);
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json);
      },
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
