import { describe, expect, it } from "vitest";
import { canOperate, isAdmin, ROLES } from "~/core/roles";
import { Role } from "~/server/db/generated/enums";

describe("core's roles", () => {
  it("are the database's Role enum, in order", () => {
    expect([...ROLES]).toEqual(Object.values(Role));
  });

  it("rank viewer < operator < admin", () => {
    expect(ROLES.filter(canOperate)).toEqual(["ADMIN", "OPERATOR"]);
    expect(ROLES.filter(isAdmin)).toEqual(["ADMIN"]);
    expect(canOperate(undefined)).toBe(false);
  });
});
