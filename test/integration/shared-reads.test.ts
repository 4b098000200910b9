import { describe, expect, it, vi } from "vitest";

describe("reads shared between viewers", () => {
  it("answers callers within the window from one read, and reads again after a mutation or the window", async () => {
    vi.stubEnv("SHARED_READ_MS", "200");
    vi.resetModules();
    const { forgetSharedReads, sharedRead } = await import("~/server/runs/shared-reads");
    let reads = 0;
    const read = async () => ++reads;
    const answers = await Promise.all(Array.from({ length: 100 }, () => sharedRead("runs.get:a", read)));
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(await sharedRead("runs.get:b", read)).toBe(2);
    forgetSharedReads();
    expect(await sharedRead("runs.get:a", read)).toBe(3);
    await new Promise((r) => setTimeout(r, 250));
    expect(await sharedRead("runs.get:a", read)).toBe(4);
    // A failed read is not handed to later callers.
    await expect(sharedRead("runs.get:c", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await sharedRead("runs.get:c", read)).toBe(5);
    vi.unstubAllEnvs();
  });
});
