import { describe, expect, it } from "vitest";
import { RUN_STATUSES } from "~/core/run-status";
import { RunStatus } from "~/server/db/generated/enums";

describe("core's run statuses", () => {
  it("are the database's RunStatus enum, in order", () => {
    expect([...RUN_STATUSES]).toEqual(Object.values(RunStatus));
  });
});
