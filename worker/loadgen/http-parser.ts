/**
 * A minimal, incremental HTTP/1.x *response* parser, written by hand on purpose.
 *
 * Why not node:http / undici: Node exposes no public API to its llhttp parser, and the clients
 * built on it (http.Agent, undici) allocate request/response objects, header maps, streams and
 * closures per request. At tens of thousands of requests a second that garbage costs throughput
 * and, through GC pauses, timing precision: both are what a load generator is judged on.
 *
 * This parser allocates nothing per response. It is fed byte ranges straight from the socket's read
 * buffer (which the caller reuses), copies only a header line that straddles two reads, and reads
 * just what a load generator needs: status code, Content-Length, chunked framing, keep-alive.
 * Bodies are skipped, never buffered.
 */

export interface ResponseSink {
  /**
   * One complete final response. `bytes`: head + body bytes on the wire. `keepAlive` false means
   * the server will close the connection (or delimited the body by closing it): do not reuse it.
   * Called after the parser has reset, so the sink may start the next request re-entrantly.
   */
  onResponse(status: number, bytes: number, keepAlive: boolean): void;
}

const MAX_LINE = 8192;
const MAX_HEADER_LINES = 256;
/** Above this a chunk size is nonsense (and near the limit of exact float integers). */
const MAX_CHUNK = 2 ** 40;

const CR = 13;
const LF = 10;

// Parser states (plain numbers: const enums do not survive isolatedModules across files).
const STATUS_LINE = 0;
const HEADER_LINE = 1;
const BODY_LENGTH = 2;
const BODY_UNTIL_CLOSE = 3;
const CHUNK_SIZE_LINE = 4;
const CHUNK_DATA = 5;
const CHUNK_DATA_END = 6;
const TRAILER_LINE = 7;
const COMPLETE = 8;
const FAILED = 9;

const CONTENT_LENGTH = ascii("content-length");
const TRANSFER_ENCODING = ascii("transfer-encoding");
const CONNECTION = ascii("connection");
const CHUNKED = ascii("chunked");
const CLOSE = ascii("close");
const KEEP_ALIVE = ascii("keep-alive");

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function lower(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

/** Case-insensitive: buf[s, e) equals the lowercase `word`. */
function equalsLower(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(buf[s + i] ?? 0) !== word[i]) return false;
  return true;
}

/** Case-insensitive: the lowercase `word` occurs in buf[s, e). Header values are short. */
function containsLower(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  outer: for (let i = s; i + word.length <= e; i++) {
    for (let j = 0; j < word.length; j++) if (lower(buf[i + j] ?? 0) !== word[j]) continue outer;
    return true;
  }
  return false;
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const l = lower(b);
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

export class ResponseParser {
  /** Why the last execute/finish failed; null while healthy. */
  error: string | null = null;

  private state = STATUS_LINE;
  private readonly line = new Uint8Array(MAX_LINE);
  private lineLen = 0;
  private headerLines = 0;
  /** Bytes of the current response consumed in earlier execute() calls. */
  private carried = 0;
  private status = 0;
  private httpMinor = 1;
  private contentLength = -1;
  private chunked = false;
  private otherEncoding = false;
  private connectionClose = false;
  private connectionKeepAlive = false;
  /** Body or chunk bytes still to skip. */
  private remaining = 0;
  /** Bumped by reset(): lets execute() notice that the sink abandoned this stream mid-buffer. */
  private generation = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** True when part of a response has arrived but not all of it. */
  get inProgress(): boolean {
    return this.state !== STATUS_LINE || this.lineLen > 0 || this.carried > 0;
  }

  reset(): void {
    this.state = STATUS_LINE;
    this.lineLen = 0;
    this.carried = 0;
    this.error = null;
    this.headerLines = 0;
    this.generation++;
  }

  /** Feed buf[start, end). Returns false on malformed input (see `error`); reset() before reusing. */
  execute(buf: Uint8Array, start: number, end: number): boolean {
    if (this.state === FAILED) return false;
    const generation = this.generation;
    let p = start;
    let segStart = start;
    while (p < end) {
      const state = this.state;
      if (state === BODY_LENGTH || state === CHUNK_DATA) {
        const n = Math.min(this.remaining, end - p);
        p += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = state === BODY_LENGTH ? COMPLETE : CHUNK_DATA_END;
      } else if (state === BODY_UNTIL_CLOSE) {
        p = end;
      } else {
        // Line-oriented states: status line, headers, chunk sizes, chunk terminators, trailers.
        let lf = p;
        while (lf < end && buf[lf] !== LF) lf++;
        const need = lf - p;
        if (this.lineLen + need > MAX_LINE) return this.fail("header line too long");
        if (this.lineLen > 0 || lf === end) {
          for (let i = 0; i < need; i++) this.line[this.lineLen + i] = buf[p + i] ?? 0;
          this.lineLen += need;
        }
        if (lf === end) {
          p = end;
          break;
        }
        let lineBuf: Uint8Array;
        let ls: number;
        let le: number;
        if (this.lineLen > 0) {
          lineBuf = this.line;
          ls = 0;
          le = this.lineLen;
        } else {
          lineBuf = buf;
          ls = p;
          le = lf;
        }
        if (le > ls && lineBuf[le - 1] === CR) le--;
        p = lf + 1;
        this.lineLen = 0;
        if (!this.onLine(lineBuf, ls, le)) return false;
      }
      if (this.state === COMPLETE) {
        const bytes = this.carried + (p - segStart);
        segStart = p;
        this.emit(bytes);
        // The sink reset us (it closed the connection): the rest of this buffer belongs to nobody.
        if (this.generation !== generation) return true;
      }
    }
    this.carried += p - segStart;
    return true;
  }

  /**
   * The peer closed the connection. Completes a response whose body is delimited by the close
   * (returns true). A response cut short sets `error` (returns false); a clean close between
   * responses returns false with no error.
   */
  finish(): boolean {
    if (this.state === BODY_UNTIL_CLOSE) {
      this.state = COMPLETE;
      this.emit(this.carried);
      return true;
    }
    if (this.inProgress && this.state !== FAILED) this.fail("connection closed mid-response");
    return false;
  }

  private fail(message: string): false {
    this.error = message;
    this.state = FAILED;
    return false;
  }

  private emit(bytes: number): void {
    const status = this.status;
    const keepAlive = this.contentLength !== -2 && this.keepAliveFlag();
    this.state = STATUS_LINE;
    this.carried = 0;
    this.headerLines = 0;
    this.sink.onResponse(status, bytes, keepAlive);
  }

  private keepAliveFlag(): boolean {
    if (this.connectionClose) return false;
    return this.httpMinor >= 1 || this.connectionKeepAlive;
  }

  private onLine(buf: Uint8Array, s: number, e: number): boolean {
    switch (this.state) {
      case STATUS_LINE:
        return this.onStatusLine(buf, s, e);
      case HEADER_LINE:
        return this.onHeaderLine(buf, s, e);
      case CHUNK_SIZE_LINE:
        return this.onChunkSize(buf, s, e);
      case CHUNK_DATA_END:
        if (e !== s) return this.fail("missing CRLF after chunk data");
        this.state = CHUNK_SIZE_LINE;
        return true;
      case TRAILER_LINE:
        if (e === s) this.state = COMPLETE;
        else if (++this.headerLines > MAX_HEADER_LINES) return this.fail("too many trailer lines");
        return true;
      default:
        return this.fail("parser in an impossible state");
    }
  }

  private onStatusLine(buf: Uint8Array, s: number, e: number): boolean {
    // Tolerate stray empty lines between responses (RFC 9112 §2.2 lets a recipient ignore them).
    if (e === s) return true;
    // "HTTP/1.x SSS[ reason]"
    if (e - s < 12 || buf[s] !== 72 || buf[s + 1] !== 84 || buf[s + 2] !== 84 || buf[s + 3] !== 80)
      return this.fail("bad status line");
    if (buf[s + 4] !== 47 || buf[s + 5] !== 49 || buf[s + 6] !== 46) return this.fail("unsupported HTTP version");
    const minor = buf[s + 7] ?? 0;
    if (!isDigit(minor) || buf[s + 8] !== 32) return this.fail("bad status line");
    const d0 = buf[s + 9] ?? 0;
    const d1 = buf[s + 10] ?? 0;
    const d2 = buf[s + 11] ?? 0;
    if (!isDigit(d0) || !isDigit(d1) || !isDigit(d2) || (e - s > 12 && buf[s + 12] !== 32)) return this.fail("bad status code");
    this.httpMinor = minor - 48;
    this.status = (d0 - 48) * 100 + (d1 - 48) * 10 + (d2 - 48);
    if (this.status < 100) return this.fail("bad status code");
    this.contentLength = -1;
    this.chunked = false;
    this.otherEncoding = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.headerLines = 0;
    this.state = HEADER_LINE;
    return true;
  }

  private onHeaderLine(buf: Uint8Array, s: number, e: number): boolean {
    if (e === s) return this.onHeadersEnd();
    if (++this.headerLines > MAX_HEADER_LINES) return this.fail("too many header lines");
    const first = buf[s];
    if (first === 32 || first === 9) return true; // obsolete line folding: nothing we read continues
    let colon = s;
    while (colon < e && buf[colon] !== 58) colon++;
    if (colon === e || colon === s) return this.fail("malformed header line");
    let vs = colon + 1;
    let ve = e;
    while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
    while (ve > vs && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
    if (equalsLower(buf, s, colon, CONTENT_LENGTH)) {
      if (vs === ve) return this.fail("empty Content-Length");
      let n = 0;
      for (let i = vs; i < ve; i++) {
        const b = buf[i] ?? 0;
        if (!isDigit(b)) return this.fail("bad Content-Length");
        n = n * 10 + (b - 48);
      }
      if (n > Number.MAX_SAFE_INTEGER) return this.fail("bad Content-Length");
      if (this.contentLength >= 0 && this.contentLength !== n) return this.fail("conflicting Content-Length");
      this.contentLength = n;
    } else if (equalsLower(buf, s, colon, TRANSFER_ENCODING)) {
      // Chunked must be the final coding; anything else delimits the body by closing (RFC 9112 §6.3).
      const endsChunked = ve - vs >= CHUNKED.length && equalsLower(buf, ve - CHUNKED.length, ve, CHUNKED);
      if (endsChunked) this.chunked = true;
      else this.otherEncoding = true;
    } else if (equalsLower(buf, s, colon, CONNECTION)) {
      if (containsLower(buf, vs, ve, CLOSE)) this.connectionClose = true;
      if (containsLower(buf, vs, ve, KEEP_ALIVE)) this.connectionKeepAlive = true;
    }
    return true;
  }

  private onHeadersEnd(): boolean {
    const status = this.status;
    if (status < 200) {
      if (status === 101) return this.fail("unexpected protocol switch");
      this.state = STATUS_LINE; // interim response (100, 103): the final one follows
      return true;
    }
    if (status === 204 || status === 304) {
      this.state = COMPLETE;
    } else if (this.chunked && !this.otherEncoding) {
      this.state = CHUNK_SIZE_LINE;
    } else if (this.otherEncoding || this.chunked) {
      this.toUntilClose();
    } else if (this.contentLength > 0) {
      this.remaining = this.contentLength;
      this.state = BODY_LENGTH;
    } else if (this.contentLength === 0) {
      this.state = COMPLETE;
    } else {
      this.toUntilClose();
    }
    return true;
  }

  private toUntilClose(): void {
    // -2 marks "body ends at close": such a response can never leave the connection reusable.
    this.contentLength = -2;
    this.state = BODY_UNTIL_CLOSE;
  }

  private onChunkSize(buf: Uint8Array, s: number, e: number): boolean {
    let size = 0;
    let i = s;
    for (; i < e; i++) {
      const v = hexValue(buf[i] ?? 0);
      if (v < 0) break;
      size = size * 16 + v;
      if (size > MAX_CHUNK) return this.fail("chunk too large");
    }
    if (i === s) return this.fail("bad chunk size");
    const next = buf[i];
    if (i < e && next !== 59 && next !== 32 && next !== 9) return this.fail("bad chunk size"); // ';' starts extensions
    if (size === 0) {
      this.headerLines = 0;
      this.state = TRAILER_LINE;
    } else {
      this.remaining = size;
      this.state = CHUNK_DATA;
    }
    return true;
  }
}
