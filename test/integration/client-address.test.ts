import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveClientAddress, trustedProxyList, UNKNOWN_ADDRESS } from "~/server/auth/client-address";
import { installPeerAddressHook, PEER_ADDRESS_HEADER, peerAddressFrom } from "~/server/http/peer-address";

describe("client address", () => {
  const none = trustedProxyList([]);
  const proxies = trustedProxyList(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);

  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("127.0.0.1", "198.51.100.7", none)).toBe("127.0.0.1");
    expect(resolveClientAddress("::ffff:127.0.0.5", "198.51.100.7, 10.0.0.1", none)).toBe("127.0.0.5");
    expect(resolveClientAddress(null, "198.51.100.7", none)).toBe(UNKNOWN_ADDRESS);
  });

  it("behind trusted proxies, is the right-most hop that is not one of them", () => {
    // The client wrote the left-most entries itself; only what trusted proxies appended counts.
    expect(resolveClientAddress("10.1.2.3", "1.1.1.1, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.1.2.3", "1.1.1.1, 203.0.113.9, 192.168.1.7, 10.9.9.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("fd12::1", "2001:db8::5", proxies)).toBe("2001:db8::5");
    // A peer outside the list is the client even when it sends X-Forwarded-For.
    expect(resolveClientAddress("203.0.113.50", "10.0.0.1", proxies)).toBe("203.0.113.50");
  });

  it("ends at the last trusted hop when the chain runs out or holds something that is not an address", () => {
    expect(resolveClientAddress("10.1.2.3", "10.0.0.2", proxies)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.1.2.3", null, proxies)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "rotating-garbage-42", proxies)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "203.0.113.1, junk, 10.0.0.4", proxies)).toBe("10.0.0.4");
  });

  it("takes the socket address from Node's HTTP server and overwrites a client-sent header of the same name", async () => {
    // Without the hook nothing stamps the header, so a client-sent one is not believed.
    expect(peerAddressFrom({ [PEER_ADDRESS_HEADER]: "203.0.113.1" })).toBeNull();
    installPeerAddressHook();
    const server = http.createServer((req, res) => res.end(peerAddressFrom(req.headers as Record<string, unknown>) ?? "none"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const seen = await new Promise<string>((resolve, reject) => {
        http
          .get(
            { host: "127.0.0.1", port, localAddress: "127.0.0.77", headers: { [PEER_ADDRESS_HEADER]: "203.0.113.1" } },
            (res) => {
              let body = "";
              res.on("data", (c: Buffer) => {
                body += c.toString();
              });
              res.on("end", () => resolve(body));
            },
          )
          .on("error", reject);
      });
      expect(seen).toBe("127.0.0.77");
    } finally {
      server.close();
    }
  });
});
