/**
 * The request bytes, built once per run and written as-is for every request: no per-request
 * header formatting or allocation.
 */
export interface Target {
  host: string;
  port: number;
  request: Buffer;
}

export function buildTarget(url: string): Target {
  const u = new URL(url);
  if (u.protocol !== "http:") throw new Error(`Only http:// URLs are supported, got ${u.protocol}`);
  if (u.username || u.password) throw new Error("Credentials in the URL are not supported");
  const port = u.port === "" ? 80 : Number(u.port);
  // URL keeps brackets around IPv6 literals; net.connect wants them off.
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const path = `${u.pathname || "/"}${u.search}`;
  const head = `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: meshbench-loadgen\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`;
  return { host, port, request: Buffer.from(head, "latin1") };
}
