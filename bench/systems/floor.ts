/** The floor: Node's http server answering the W0 result, with no GraphQL at all. */
import { createServer } from "node:http";

const body = JSON.stringify({ data: { __typename: "Query" } });
createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
