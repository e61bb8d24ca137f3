/**
 * The one place resource names are made: `<prefix>-<environment>-<purpose>`, lower-case kebab.
 * Every AWS and Genesys object name in a stack comes from here, so two environments can share an
 * AWS account or a Genesys org without colliding.
 */
export class Naming {
  constructor(
    readonly prefix: string,
    readonly environment: string,
  ) {}

  /** A name for `purpose`, e.g. `gcx-dev-classify-email`. Throws when it would exceed `maxLength`. */
  name(purpose: string, maxLength = 64): string {
    const slug = purpose
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    if (!slug) throw new Error(`resource purpose "${purpose}" has no letters or digits`);
    const name = `${this.prefix}-${this.environment}-${slug}`;
    if (name.length > maxLength) {
      throw new Error(`resource name "${name}" is ${name.length} characters; the limit here is ${maxLength}`);
    }
    return name;
  }

  /** S3 bucket names are global: the account id and region make them unique. */
  bucket(purpose: string, accountId: string, region: string): string {
    return this.name(`${purpose}-${accountId}-${region}`, 63);
  }
}
