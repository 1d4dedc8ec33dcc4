import { createServer, Agent, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { trackResponses } from "../src/shutdown.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Sends `count` requests one after another over one keep-alive connection. */
async function requestsOnOneConnection(port: number, agent: Agent, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      request({ port, host: "127.0.0.1", agent, path: "/" }, (response) => {
        response.resume();
        response.on("end", resolve);
      })
        .on("error", reject)
        .end();
    });
  }
}

describe("trackResponses", () => {
  it("keeps what it listens for on a keep-alive connection the same however many requests it serves", async () => {
    const sockets = new Set<Socket>();
    server = createServer((_request, response) => response.end("ok"));
    trackResponses(server);
    server.on("connection", (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await requestsOnOneConnection(port, agent, 3);
      const [socket] = [...sockets];
      const afterThree = socket!.listenerCount("close");
      await requestsOnOneConnection(port, agent, 200);
      expect(sockets.size).toBe(1);
      // Each request used to add one more (205 here), and Node warned of a leak from the 11th.
      expect(socket!.listenerCount("close")).toBe(afterThree);
    } finally {
      agent.destroy();
    }
  });
});
