import net from "node:net";

/**
 * A port that was free a moment ago: bind port 0, read what the kernel chose, release it.
 * Another process can take it before our proxy binds it; callers retry on "address in use".
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("could not pick a free port"))));
    });
  });
}

/** Bind failures look like this in nginx's and haproxy's stderr. */
export function looksLikeAddressInUse(stderr: string): boolean {
  return /address already in use|cannot bind socket|EADDRINUSE/i.test(stderr);
}
