import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { expect, type Page } from "@playwright/test";

/** Plain HTTP from Node, for what a browser or Playwright's request context cannot do. */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function appUrl(): URL {
  return new URL(`http://localhost:${process.env.TEST_PORT ?? "3100"}`);
}

interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connect from this local address (any of 127.0.0.0/8 on Linux): another client as the socket sees it. */
  localAddress?: string;
}

export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const url = appUrl();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: url.port,
        method: request.method,
        path: request.path,
        localAddress: request.localAddress,
        headers: { host: url.host, ...request.headers },
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

/**
 * Streams `bytes` zero bytes as the body (chunked when `chunked`, else with a Content-Length) and
 * resolves with the status as soon as the server answers, whether or not it read everything.
 */
export function sendHugeBody(path: string, bytes: number, options: { chunked: boolean; cookie?: string }): Promise<number> {
  const url = appUrl();
  const chunk = Buffer.alloc(64 * 1024);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({
      host: "127.0.0.1",
      port: url.port,
      method: "POST",
      path,
      agent: false,
      headers: {
        host: url.host,
        "content-type": "application/json",
        ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(bytes) }),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!req.write(part)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** The Cookie header of the page's browser context, for requests made outside it. */
export async function cookieHeader(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** A fresh viewer account, so a spec that locks an account out never locks out another spec's. */
export function createEdgeAccount(): { email: string; password: string } {
  const account = { email: `edge-${randomUUID()}@test.local`, password: "edge-correct-password" };
  execFileSync("npx", ["tsx", "e2e/edge-account.ts", account.email, account.password], { stdio: "inherit", env: process.env });
  return account;
}

/**
 * One credentials login as the login form makes it (csrf token, then the callback), over a
 * socket of its own. Returns next-auth's verdict: the error message, or "ok".
 */
export async function credentialsLogin(
  account: { email: string; password: string },
  options: { headers?: Record<string, string>; localAddress?: string } = {},
): Promise<string> {
  const csrf = await rawRequest({ method: "GET", path: "/api/auth/csrf", localAddress: options.localAddress });
  expect(csrf.status).toBe(200);
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const res = await rawRequest({
    method: "POST",
    path: "/api/auth/callback/credentials",
    localAddress: options.localAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...options.headers },
    body: new URLSearchParams({ csrfToken, email: account.email, password: account.password, json: "true" }).toString(),
  });
  const { url } = JSON.parse(res.body) as { url: string };
  return new URL(url).searchParams.get("error") ?? "ok";
}
