import * as errors from "../../../functions/shared/genesys/errors";
import {
  GenesysApiError,
  GenesysAttachmentTooLargeError,
  GenesysAuthError,
  GenesysConversationEndedError,
  GenesysDeadlineExceededError,
  GenesysDownloadRefusedError,
  GenesysError,
  GenesysNetworkError,
  GenesysRateLimitError,
  GenesysRequestRejectedError,
  GenesysResponseError,
  GenesysTimeoutError,
  GenesysValidationError,
  isTransientGenesysError,
  PERMANENT_GENESYS_ERROR_NAMES,
  TRANSIENT_GENESYS_ERROR_NAMES,
} from "../../../functions/shared/genesys/errors";

const details = { status: 500, method: "GET", path: "/api/v2/x", attempts: 1 };
const where = { method: "GET", path: "/api/v2/x", attempts: 1 };

/** One instance of every error class the client throws. */
const INSTANCES: GenesysError[] = [
  new GenesysApiError(details),
  new GenesysRateLimitError(where, 5, "throttled"),
  new GenesysRequestRejectedError({ ...details, status: 400 }),
  new GenesysAuthError({ ...details, status: 401 }),
  new GenesysConversationEndedError({ ...details, status: 404 }, "c-1"),
  new GenesysNetworkError(where, new TypeError("fetch failed")),
  new GenesysTimeoutError(where, 1000),
  new GenesysDeadlineExceededError(where, "no time"),
  new GenesysValidationError("conversationId", "is empty"),
  new GenesysResponseError(where, "body is not JSON"),
  new GenesysAttachmentTooLargeError("/a", 1, 2, true),
  new GenesysDownloadRefusedError("refused"),
];

describe("Genesys error names and transience", () => {
  it("gives every class its own stable name, listed as transient or permanent exactly once", () => {
    // Act
    const names = INSTANCES.map((e) => e.name);

    // Assess
    expect(new Set(names).size).toBe(INSTANCES.length);
    expect([...TRANSIENT_GENESYS_ERROR_NAMES, ...PERMANENT_GENESYS_ERROR_NAMES].sort()).toEqual([...names].sort());
    const exportedClasses = Object.values(errors).filter((value) => typeof value === "function" && value.prototype instanceof GenesysError);
    expect(exportedClasses).toHaveLength(INSTANCES.length);
  });

  it("agrees between `transient`, the name lists and isTransientGenesysError", () => {
    for (const error of INSTANCES) {
      const listed = (TRANSIENT_GENESYS_ERROR_NAMES as readonly string[]).includes(error.name);
      expect({ name: error.name, transient: error.transient }).toEqual({ name: error.name, transient: listed });
      expect(isTransientGenesysError(error)).toBe(listed);
    }
  });

  it("decides by name, so errors from another bundle or rebuilt from a Step Functions cause still classify", () => {
    expect(isTransientGenesysError({ name: "GenesysRateLimitError", message: "x" })).toBe(true);
    expect(isTransientGenesysError({ name: "GenesysConversationEndedError" })).toBe(false);
    expect(isTransientGenesysError(new Error("plain"))).toBe(false);
    expect(isTransientGenesysError(undefined)).toBe(false);
    expect(isTransientGenesysError("GenesysApiError")).toBe(false);
  });

  it("keeps the hierarchy callers catch on", () => {
    expect(new GenesysConversationEndedError({ ...details, status: 404 }, "c-1")).toBeInstanceOf(GenesysRequestRejectedError);
    expect(new GenesysAuthError({ ...details, status: 401 })).toBeInstanceOf(GenesysApiError);
    expect(new GenesysTimeoutError(where, 1000)).toBeInstanceOf(GenesysNetworkError);
    expect(INSTANCES.every((e) => e instanceof GenesysError && e instanceof Error)).toBe(true);
  });

  it("names the field in validation errors and the conversation in ended ones", () => {
    expect(new GenesysValidationError("participantId", "is empty")).toMatchObject({ field: "participantId", message: "Invalid participantId: is empty" });
    expect(new GenesysConversationEndedError({ ...details, status: 404, method: "PATCH", code: "not.found" }, "c-1")).toMatchObject({
      conversationId: "c-1",
      message: "Genesys conversation no longer exists or has ended: PATCH /api/v2/x -> HTTP 404 (not.found)",
    });
  });
});
