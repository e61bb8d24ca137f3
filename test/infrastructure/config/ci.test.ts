import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CiSettingsError, githubEnvironmentSubject, loadCiSettings, parseCiSettings } from "../../../config/ci";

function problemsOf(raw: unknown): string {
  try {
    parseCiSettings(raw, "config/ci.json");
  } catch (error) {
    expect(error).toBeInstanceOf(CiSettingsError);
    return (error as Error).message;
  }
  throw new Error("expected the CI settings to be rejected");
}

describe("CI settings (config/ci.json)", () => {
  it("loads the shipped settings with their defaults", () => {
    expect(loadCiSettings()).toEqual({
      github: { repository: "acme/genesys-cx-intelligence" },
      bootstrap: { accountsWithGithubOidcProvider: [], accountsWithRemoteState: [] },
    });
  });

  it("names every bad field", () => {
    expect(problemsOf({ github: { repository: "not a repo" }, bootstrap: { accountsWithRemoteState: ["12"] }, colour: 1 })).toBe(
      [
        "Invalid CI settings (config/ci.json):",
        "  - github.repository: must be the GitHub repository as owner/name",
        "  - bootstrap.accountsWithRemoteState[0]: must be a 12-digit AWS account id",
        "  - colour: is not a known setting",
      ].join("\n"),
    );
    expect(problemsOf({ github: { repository: "acme/gcx", ownerId: 5 } })).toBe(
      "Invalid CI settings (config/ci.json):\n  - github.repositoryId: give both ownerId and repositoryId (the immutable subject claim holds both), or neither",
    );
    expect(problemsOf({})).toBe("Invalid CI settings (config/ci.json):\n  - github: is required");
  });

  it("names the file when it is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "ci-settings-"));
    writeFileSync(join(dir, "ci.json"), "{ github: ");
    expect(() => loadCiSettings(join(dir, "ci.json"))).toThrow(/Invalid CI settings \(.*ci\.json\):\n {2}- \(file\): is not valid JSON/);
  });

  it("builds the OIDC subject GitHub issues to an environment's jobs, in the legacy and the immutable form", () => {
    expect(githubEnvironmentSubject({ repository: "acme/gcx" }, "prod")).toBe("repo:acme/gcx:environment:prod");
    expect(githubEnvironmentSubject({ repository: "acme/gcx", ownerId: 123456, repositoryId: 789012 }, "prod-plan")).toBe(
      "repo:acme@123456/gcx@789012:environment:prod-plan",
    );
  });
});
