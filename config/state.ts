import { Environment } from "./environment";

/** The project's name in state keys and the bootstrap's bucket names. */
export const STATE_PROJECT = "genesys-cx-intelligence";

/**
 * Where a local backend keeps state, relative to the folder terraform runs in
 * (`cdktf.out/stacks/<stack>/`): the repository's `.terraform-state/` folder, outside the build
 * output (so `rm -rf cdktf.out` orphans nothing) and git-ignored. The file holds every secret of the
 * stack in clear text (the API key, the OAuth client secret, the hashing key).
 */
export const LOCAL_STATE_DIR = ".terraform-state";
export function localStatePath(stack: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stack}.tfstate`;
}

/** The state bucket the bootstrap creates in an account and region (bucket names are global). */
export function defaultStateBucket(accountId: string, region: string): string {
  return `${STATE_PROJECT}-state-${accountId}-${region}`;
}

export function defaultStateKey(environment: string): string {
  return `${STATE_PROJECT}/${environment}.tfstate`;
}

export type ResolvedState =
  | { readonly backend: "local"; readonly path: string }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /** The bucket is the one the bootstrap creates for the environment's account and region. */
      readonly bootstrapBucket: boolean;
      readonly kmsKeyId?: string;
    };

/** An environment's state backend with every default filled in. */
export function resolveState(environment: Environment): ResolvedState {
  const state = environment.state;
  if (state.backend === "local") return { backend: "local", path: localStatePath(environment.name) };
  const region = state.region ?? environment.aws.region;
  return {
    backend: "s3",
    bucket: state.bucket ?? defaultStateBucket(environment.aws.accountId, region),
    key: state.key ?? defaultStateKey(environment.name),
    region,
    bootstrapBucket: state.bucket === undefined,
    ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
  };
}

/** Environments CI plans and deploys: those whose state lives in S3. Local state is a personal sandbox. */
export function isCiEnvironment(environment: Environment): boolean {
  return environment.state.backend === "s3";
}
