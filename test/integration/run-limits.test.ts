import { describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { A_DAY_OF_LOAD } from "../fixtures/specs";
import { callerFor, createUser, sessionFor } from "./helpers";

describe("run limits", () => {
  it("refuse a 23-hour run at 100,000 rps and store nothing", async () => {
    const admin = callerFor(sessionFor(await createUser("ADMIN")));
    const before = await db.benchmarkRun.count();
    const attempt = admin.runs.create({
      name: "a day of load",
      spec: A_DAY_OF_LOAD,
    });
    await expect(attempt).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/84000 s.*limit is 7200 s/),
    });
    expect(await db.benchmarkRun.count()).toBe(before);
  });
});
