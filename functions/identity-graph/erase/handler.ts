import type { Context } from "aws-lambda";
import * as z from "zod/mini";
import "../../shared/zod-messages";
import { Deadline, deadlineFromContext } from "../../shared/deadline";
import { ErasureRequest, ErasureResult, InvalidErasureRequestError } from "../core/erase";
import { classifyFailure } from "../core/failures";
import { Log } from "../../shared/telemetry";

export interface IdentityEraseDependencies {
  readonly erase: (request: ErasureRequest, options: { deadline: Deadline }) => Promise<ErasureResult>;
  readonly logger: Log;
  readonly deadlineOf?: (context: Context) => Deadline;
}

/** The invocation payload: exactly one identifier, bounded like the events' (the identifier itself is never logged). */
export const erasureRequestSchema = z.union([
  z.strictObject({ email: z.string().check(z.minLength(3), z.maxLength(254)) }),
  z.strictObject({ phone: z.string().check(z.minLength(3), z.maxLength(256)) }),
]);

/** Refused before anything is read: the payload is not an erasure request. */
export class InvalidErasurePayloadError extends Error {
  override readonly name = "InvalidErasurePayloadError";
}

/** The erasure did not finish. `transient`: running the same request again finishes it (what was done stays done). */
export class ErasureNotFinishedError extends Error {
  override readonly name = "ErasureNotFinishedError";
  constructor(
    readonly transient: boolean,
    reason: string,
  ) {
    super(transient ? `erasure not finished, run the same request again: ${reason}` : `erasure failed: ${reason}`);
  }
}

/**
 * GDPR erasure, invoked by an operator (`aws lambda invoke --payload '{"email":"..."}'`): deletes the
 * customer's profile and suppresses their identifiers. A payload that is not `{"email"}` or `{"phone"}`,
 * or an identifier that does not normalize, fails at once naming the problem; a conflict with concurrent
 * resolvers is retried inside; running out of time or a throttled table fails with ErasureNotFinishedError
 * (`transient`), and running the same request again resumes an erasure that was cut off.
 */
export function makeHandler(deps: IdentityEraseDependencies) {
  return async function handler(event: unknown, context: Context): Promise<ErasureResult> {
    const request = erasureRequestSchema.safeParse(event);
    if (!request.success) {
      throw new InvalidErasurePayloadError(
        `expected {"email": "..."} or {"phone": "..."}: ${request.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ")}`,
      );
    }
    const deadline = (deps.deadlineOf ?? deadlineFromContext)(context);
    let result: ErasureResult;
    try {
      result = await deps.erase(request.data as ErasureRequest, { deadline });
    } catch (error) {
      if (error instanceof InvalidErasureRequestError) throw error;
      const failure = classifyFailure(error);
      deps.logger.warn("identity erasure not finished", { transient: failure.transient, reason: failure.reason });
      throw new ErasureNotFinishedError(failure.transient, failure.reason);
    }
    deps.logger.info("identity erased", { ...result });
    return result;
  };
}
