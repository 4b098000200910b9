import net from "node:net";
import { CONNECTION_RESET, classifyError, PROTOCOL } from "./errors";
import { ResponseParser, type ResponseSink } from "./http-parser";
import type { Target } from "./request";

/** What a connection reports to the loop that drives it (open or closed). */
export interface ConnectionOwner {
  /** A complete response to the request in flight; the connection is reusable again (or will reconnect). */
  onResponse(conn: Connection, status: number, bytes: number): void;
  /** The request in flight failed; the socket is gone. `whileConnecting`: it never got a connection. */
  onFailure(conn: Connection, kind: string, whileConnecting: boolean): void;
}

const CLOSED = 0;
const CONNECTING = 1;
const IDLE = 2;
const BUSY = 3;

/**
 * One persistent keep-alive connection carrying one request at a time. It knows sockets and
 * framing, nothing about schedules: the per-request fields below are set and read by the owner,
 * so a request costs no object allocation. Reconnects happen lazily on the next send().
 */
export class Connection implements ResponseSink {
  // Owned by the driving loop: which request is in flight and when it was intended/sent.
  index = -1;
  intendedMs = 0;
  sentMs = 0;
  /** Where this request's latency is measured from (open loop: see OpenLoopDriver.dispatch). */
  timedFromMs = 0;
  measured = false;

  private socket: net.Socket | null = null;
  /** Bumped whenever the socket is dropped, so late events of a dead socket are ignored. */
  private generation = 0;
  private state = CLOSED;
  /** A request is waiting for the connect to finish. */
  private pending = false;
  private readonly parser = new ResponseParser(this);

  constructor(
    private readonly target: Target,
    private readonly owner: ConnectionOwner,
    /** Shared by all connections: reads are handled synchronously, so one buffer serves all. */
    private readonly readBuffer: Buffer,
  ) {}

  /** A request is in flight (or waiting for its connect). */
  get busy(): boolean {
    return this.state === BUSY || this.pending;
  }

  get connecting(): boolean {
    return this.state === CONNECTING;
  }

  /** Open the socket ahead of the first request, so the first measured requests do not pay for a handshake. */
  connect(): void {
    if (this.state === CLOSED) this.open();
  }

  /** Send the prebuilt request, connecting first when there is no socket. */
  send(): void {
    if (this.state === IDLE && this.socket) {
      this.state = BUSY;
      this.socket.write(this.target.request);
    } else if (this.state === CLOSED) {
      this.pending = true;
      this.open();
    } else if (this.state === CONNECTING && !this.pending) {
      this.pending = true;
    } else {
      throw new Error("loadgen: send() on a busy connection");
    }
  }

  /** Drop the socket without reporting anything (request timed out, or the run is over). */
  reset(): void {
    this.generation++;
    if (this.socket) this.socket.destroy();
    this.socket = null;
    this.state = CLOSED;
    this.pending = false;
    this.parser.reset();
  }

  // ResponseSink: called by the parser, possibly several times per read.
  onResponse(status: number, bytes: number, keepAlive: boolean): void {
    if (this.state !== BUSY) {
      this.fail(PROTOCOL); // a response nobody asked for: the stream is out of step
      return;
    }
    if (keepAlive) this.state = IDLE;
    else this.reset();
    this.owner.onResponse(this, status, bytes);
  }

  private open(): void {
    const generation = ++this.generation;
    this.state = CONNECTING;
    this.parser.reset();
    // One closure set per socket (not per request): reconnects are rare.
    const socket = net.connect({
      host: this.target.host,
      port: this.target.port,
      noDelay: true,
      onread: {
        buffer: this.readBuffer,
        // Returning false would pause reading; we always want more.
        callback: (nread: number, buf: Uint8Array): boolean => {
          if (generation === this.generation) this.onData(buf, nread);
          return true;
        },
      },
    });
    socket.on("connect", () => {
      if (generation === this.generation) this.onConnect();
    });
    socket.on("end", () => {
      if (generation === this.generation) this.onEnd();
    });
    socket.on("error", (error: Error) => {
      if (generation === this.generation) this.onError(error);
    });
    socket.on("close", () => {
      if (generation === this.generation) this.onEnd();
    });
    this.socket = socket;
  }

  private onConnect(): void {
    this.state = IDLE;
    if (this.pending) {
      this.pending = false;
      this.send();
    }
  }

  private onData(buf: Uint8Array, nread: number): void {
    if (!this.parser.execute(buf, 0, nread)) this.fail(PROTOCOL);
  }

  /** The peer closed: completes a close-delimited response, or fails the request in flight. */
  private onEnd(): void {
    if (this.parser.finish()) return; // onResponse already ran and reset the socket
    if (this.busy) this.fail(CONNECTION_RESET);
    else this.reset();
  }

  private onError(error: Error): void {
    if (this.busy) this.fail(classifyError(error));
    else this.reset();
  }

  private fail(kind: string): void {
    const whileConnecting = this.state === CONNECTING;
    this.reset();
    this.owner.onFailure(this, kind, whileConnecting);
  }
}
