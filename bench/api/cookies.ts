/** A minimal cookie jar: enough for next-auth's csrf and session cookies on one host. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Take every Set-Cookie of a response (an expired/empty value removes the cookie). */
  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}
