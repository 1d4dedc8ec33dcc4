import type { YogaInitialContext } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { clientAddressOf } from "../../src/client-address.js";
import { loadConfig } from "../../src/config.js";

/** A request as Yoga hands it over, from a connection whose peer is `peer`. */
function arriving(peer: string, forwardedFor?: string): YogaInitialContext {
  const headers = new Headers(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor });
  return { request: new Request("http://inkwell.test/graphql", { headers }), req: { socket: { remoteAddress: peer } } } as unknown as YogaInitialContext;
}

describe("the client address", () => {
  it("is the connection's peer unless proxies are trusted", () => {
    expect(clientAddressOf(arriving("10.0.0.5", "198.51.100.1"), 0)).toBe("10.0.0.5");
  });

  it("is the entry the last trusted proxy appended, never one the client wrote", () => {
    expect(clientAddressOf(arriving("10.0.0.5", "198.51.100.1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddressOf(arriving("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9"), 2)).toBe("203.0.113.7");
    expect(clientAddressOf(arriving("10.0.0.5", "2001:db8::1"), 1)).toBe("2001:db8::/64");
    // Fewer entries than proxies: the furthest one there is.
    expect(clientAddressOf(arriving("10.0.0.5", "203.0.113.7"), 2)).toBe("203.0.113.7");
  });

  it("is the peer when the header is missing, empty or not an address", () => {
    expect(clientAddressOf(arriving("10.0.0.5"), 1)).toBe("10.0.0.5");
    expect(clientAddressOf(arriving("10.0.0.5", " , "), 1)).toBe("10.0.0.5");
    expect(clientAddressOf(arriving("10.0.0.5", "198.51.100.1, not-an-address"), 1)).toBe("10.0.0.5");
  });

  it("counts an IPv6 client by its /64 network, and an IPv4-mapped address as the IPv4 address, from the peer and the header alike", () => {
    // One host picks any address of its /64 (privacy addresses): every one of them is one client.
    for (const address of ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0DB8:0001:0002:a:b:c:d", "2001:db8:1:2::1%eth0"]) {
      expect(clientAddressOf(arriving(address), 0), address).toBe("2001:db8:1:2::/64");
      expect(clientAddressOf(arriving("10.0.0.5", `198.51.100.1, ${address}`), 1), address).toBe("2001:db8:1:2::/64");
    }
    expect(clientAddressOf(arriving("2001:db8:1:3::1"), 0)).toBe("2001:db8:1:3::/64");
    // Written any way IPv6 allows, an IPv4-mapped address is the one IPv4 client.
    for (const mapped of ["::ffff:203.0.113.7", "::FFFF:203.0.113.7", "::ffff:cb00:7107", "0:0:0:0:0:ffff:203.0.113.7"]) {
      expect(clientAddressOf(arriving(mapped), 0), mapped).toBe("203.0.113.7");
    }
    expect(clientAddressOf(arriving("10.0.0.5", "::ffff:203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddressOf(arriving("::1"), 0)).toBe("::/64");
  });

  it("trusts as many proxies as TRUST_PROXY says, true being one", () => {
    const hops = (value?: string) => loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustedProxies;
    expect([hops(), hops("false"), hops("true"), hops("0"), hops("2")]).toEqual([0, 0, 1, 0, 2]);
    expect(() => hops("11")).toThrow(/TRUST_PROXY/);
    expect(() => hops("maybe")).toThrow(/TRUST_PROXY/);
  });
});
