import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from "node:net";

/**
 * CuttableTcpProxy: a test double for a network fault, NOT a database. A plain TCP relay on
 * 127.0.0.1 between a program and a real server (PostgreSQL in the fault tests) that a test can
 * cut and restore, so "the database went away" is simulated without ever stopping the machine's
 * database, which other suites and a running MeshBench share.
 *
 * - `cut()`: every relayed connection is reset and every new one is reset as soon as it arrives,
 *   as a program sees a server that went down (its clients get errors, not silence).
 * - `restore()`: new connections are relayed again; the ones cut stay cut, as after a restart.
 */
export interface CuttableTcpProxy {
  /** The local port the program under test connects to instead of the real server's. */
  port: number;
  cut: () => void;
  restore: () => void;
  /** How many connections were accepted while cut (and reset): proof the program tried. */
  refusedWhileCut: () => number;
  close: () => Promise<void>;
}

export async function startCuttableTcpProxy(target: { host: string; port: number }): Promise<CuttableTcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let refused = 0;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    // A reset socket reports ECONNRESET; the relay only has to drop it.
    socket.on("error", () => socket.destroy());
  };

  const server = createServer((client) => {
    if (isCut) {
      refused++;
      client.on("error", () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = tcpConnect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });

  const resetAll = () => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };

  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      isCut = true;
      resetAll();
    },
    restore: () => {
      isCut = false;
    },
    refusedWhileCut: () => refused,
    close: async () => {
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
