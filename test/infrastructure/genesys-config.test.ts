import { EnvironmentConfigError, parseEnvironment } from "../../config/load";
import { emailDomainOf } from "../../config/environment";
import { rawEnvironment } from "../support/synth";

const problemsOf = (raw: Record<string, any>): string => { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    parseEnvironment("dev", raw);
    return "";
  } catch (error) {
    if (error instanceof EnvironmentConfigError) return error.problems.join("\n");
    throw error;
  }
};
const dev = () => rawEnvironment("dev") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("Genesys settings of an environment", () => {
  it("defaults the org's email domain limit to 2 and leaves the org id unset", () => {
    const env = parseEnvironment("dev", dev());
    expect(env.genesys.emailDomainLimit).toBe(2);
    expect(env.genesys.orgId).toBeUndefined();
  });

  it("takes an org id only as a UUID, naming the field", () => {
    const raw = dev();
    raw.genesys.orgId = "acme";
    expect(problemsOf(raw)).toBe("genesys.orgId: must be a Genesys organization id (a UUID)");
    raw.genesys.orgId = "5b5d6a1e-3c2f-4f7e-9a0b-1c2d3e4f5a6b";
    expect(parseEnvironment("dev", raw).genesys.orgId).toBe("5b5d6a1e-3c2f-4f7e-9a0b-1c2d3e4f5a6b");
  });

  it("reuses an existing email domain instead of creating a subdomain", () => {
    const raw = dev();
    delete raw.emailRouting.emailDomainLabel;
    raw.emailRouting.existingEmailDomain = "acme.mypurecloud.com";
    expect(emailDomainOf(parseEnvironment("dev", raw).emailRouting)).toEqual({ kind: "existing", name: "acme.mypurecloud.com" });
    expect(emailDomainOf(parseEnvironment("dev", dev()).emailRouting)).toEqual({ kind: "subdomain", label: "gcx-dev-acme" });
  });

  it("asks for exactly one of the two, naming the field", () => {
    const both = dev();
    both.emailRouting.existingEmailDomain = "acme.mypurecloud.com";
    expect(problemsOf(both)).toBe("emailRouting.existingEmailDomain: set either emailDomainLabel (create a subdomain) or existingEmailDomain (reuse a domain), not both");
    const neither = dev();
    delete neither.emailRouting.emailDomainLabel;
    expect(problemsOf(neither)).toBe("emailRouting.emailDomainLabel: is required unless existingEmailDomain names a domain to reuse");
    neither.emailRouting.enabled = false;
    neither.attachmentRouting.enabled = false;
    expect(problemsOf(neither)).toBe("");
  });

  it("refuses a domain that is not a full domain name", () => {
    const raw = dev();
    delete raw.emailRouting.emailDomainLabel;
    raw.emailRouting.existingEmailDomain = "Acme";
    expect(problemsOf(raw)).toBe("emailRouting.existingEmailDomain: must be a full lower-case domain name such as acme.mypurecloud.com");
  });
});
