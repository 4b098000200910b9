import { describe, expect, it } from "vitest";
import { classifyError, httpErrorKind, isSuccessStatus } from "~/worker/loadgen/errors";
import { ResponseParser } from "~/worker/loadgen/http-parser";

interface Seen {
  status: number;
  bytes: number;
  keepAlive: boolean;
}

function parserWithLog(): { parser: ResponseParser; seen: Seen[] } {
  const seen: Seen[] = [];
  const parser = new ResponseParser({ onResponse: (status, bytes, keepAlive) => seen.push({ status, bytes, keepAlive }) });
  return { parser, seen };
}

/** Feed `text` cut into the given pieces; returns what the parser saw and whether it stayed healthy. */
function feed(text: string, cuts: number[] = []): { seen: Seen[]; ok: boolean; parser: ResponseParser } {
  const { parser, seen } = parserWithLog();
  const bytes = Buffer.from(text, "latin1");
  const points = [0, ...cuts, bytes.length];
  let ok = true;
  for (let i = 0; i + 1 < points.length && ok; i++) {
    // Copy into a larger, dirty buffer: the parser must respect [start, end) and not read beyond.
    const chunk = bytes.subarray(points[i], points[i + 1]);
    const dirty = Buffer.alloc(chunk.length + 16, "\n");
    chunk.copy(dirty, 8);
    ok = parser.execute(dirty, 8, 8 + chunk.length);
  }
  return { seen, ok, parser };
}

const SIMPLE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
const CHUNKED =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n";

describe("ResponseParser", () => {
  it("parses a Content-Length response and counts its bytes", () => {
    const { seen, ok } = feed(SIMPLE);
    expect(ok).toBe(true);
    expect(seen).toEqual([{ status: 200, bytes: SIMPLE.length, keepAlive: true }]);
  });

  it("gives the same answer however the bytes are split", () => {
    for (const text of [SIMPLE, CHUNKED]) {
      for (let cut = 1; cut < text.length; cut++) {
        const { seen, ok } = feed(text, [cut]);
        expect(ok).toBe(true);
        expect(seen).toEqual([{ status: 200, bytes: text.length, keepAlive: true }]);
      }
      const everyByte = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
      expect(feed(text, everyByte).seen).toEqual([{ status: 200, bytes: text.length, keepAlive: true }]);
    }
  });

  it("parses chunked bodies with extensions and trailers", () => {
    const { seen, ok } = feed(CHUNKED);
    expect(ok).toBe(true);
    expect(seen).toEqual([{ status: 200, bytes: CHUNKED.length, keepAlive: true }]);
  });

  it("parses several responses arriving in one read", () => {
    const text = `${SIMPLE}${CHUNKED}HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n`;
    const { seen, ok } = feed(text);
    expect(ok).toBe(true);
    expect(seen.map((s) => s.status)).toEqual([200, 200, 503]);
    expect(seen.reduce((a, s) => a + s.bytes, 0)).toBe(text.length);
  });

  it("knows bodiless statuses and skips interim responses", () => {
    expect(feed("HTTP/1.1 204 No Content\r\n\r\n").seen).toEqual([{ status: 204, bytes: 27, keepAlive: true }]);
    expect(feed("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").seen[0]?.status).toBe(304);
    const interim = `HTTP/1.1 100 Continue\r\n\r\n${SIMPLE}`;
    expect(feed(interim).seen).toEqual([{ status: 200, bytes: interim.length, keepAlive: true }]);
  });

  it("reads keep-alive intent from the version and Connection header", () => {
    expect(feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").seen[0]?.keepAlive).toBe(false);
    expect(feed("HTTP/1.1 200 OK\r\nconnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n").seen[0]?.keepAlive).toBe(true);
    expect(feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").seen[0]?.keepAlive).toBe(false);
    expect(feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").seen[0]?.keepAlive).toBe(true);
  });

  it("accepts bare LF line endings", () => {
    expect(feed("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi").seen).toEqual([{ status: 200, bytes: 37, keepAlive: true }]);
  });

  it("completes a close-delimited body only when the peer closes", () => {
    const text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body";
    const { parser, seen, ok } = feed(text);
    expect(ok).toBe(true);
    expect(seen).toHaveLength(0);
    expect(parser.finish()).toBe(true);
    expect(seen).toEqual([{ status: 200, bytes: text.length, keepAlive: false }]);
  });

  it("reports a response cut short by a close, but not a clean close between responses", () => {
    const cut = feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    expect(cut.parser.finish()).toBe(false);
    expect(cut.parser.error).toMatch(/mid-response/);
    const clean = feed(SIMPLE);
    expect(clean.parser.finish()).toBe(false);
    expect(clean.parser.error).toBeNull();
  });

  it.each([
    ["garbage", "<html>hello</html>\r\n"],
    ["a non-HTTP/1 version", "HTTP/2.0 200 OK\r\n\r\n"],
    ["a short status code", "HTTP/1.1 20 OK\r\n\r\n"],
    ["a non-numeric Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n"],
    ["conflicting Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"],
    ["a header without a colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n"],
    ["a bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
    ["chunk data without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n"],
    ["an endless header line", `HTTP/1.1 200 OK\r\nX: ${"a".repeat(10_000)}\r\n\r\n`],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
  ])("rejects %s", (_label, text) => {
    const { ok, parser, seen } = feed(text);
    expect(ok).toBe(false);
    expect(parser.error).toBeTruthy();
    expect(seen).toHaveLength(0);
    // A failed parser stays failed until reset.
    expect(parser.execute(Buffer.from(SIMPLE), 0, SIMPLE.length)).toBe(false);
    parser.reset();
    expect(parser.execute(Buffer.from(SIMPLE), 0, SIMPLE.length)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("stops mid-buffer when the sink resets it (the connection was dropped)", () => {
    const seen: number[] = [];
    const parser: ResponseParser = new ResponseParser({
      onResponse: (status) => {
        seen.push(status);
        parser.reset();
      },
    });
    const two = Buffer.from(SIMPLE + SIMPLE);
    expect(parser.execute(two, 0, two.length)).toBe(true);
    expect(seen).toEqual([200]);
    expect(parser.inProgress).toBe(false);
  });
});

describe("error classification", () => {
  const err = (code: string) => Object.assign(new Error(code), { code });

  it("names the common socket failures and lowercases other errnos", () => {
    expect(classifyError(err("ECONNREFUSED"))).toBe("connect_refused");
    expect(classifyError(err("ECONNRESET"))).toBe("connection_reset");
    expect(classifyError(err("EPIPE"))).toBe("connection_reset");
    expect(classifyError(err("ETIMEDOUT"))).toBe("timeout");
    expect(classifyError(err("EHOSTUNREACH"))).toBe("ehostunreach");
    expect(classifyError(new Error("no code"))).toBe("error");
    expect(classifyError("not even an error")).toBe("error");
  });

  it("names HTTP failures by status and caches the string", () => {
    expect(httpErrorKind(503)).toBe("http_503");
    expect(httpErrorKind(503)).toBe(httpErrorKind(503));
    expect(isSuccessStatus(200)).toBe(true);
    expect(isSuccessStatus(299)).toBe(true);
    expect(isSuccessStatus(304)).toBe(false);
    expect(isSuccessStatus(404)).toBe(false);
  });
});
