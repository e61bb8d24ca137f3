/**
 * The one place that decides whether a Genesys error answer means "this conversation (or participant)
 * no longer exists or has ended", which no retry can change.
 *
 * UNCONFIRMED: Genesys does not document what `PATCH .../participants/{pid}/attributes` and
 * `POST .../participants/{pid}/replace/queue` answer once the conversation has ended. Taken here: HTTP
 * 404 on any conversation-scoped route (the platform's `not.found` for an unknown or purged
 * conversation or participant). Anything else, including other 4xx, stays a plain (permanent)
 * GenesysApiError. Adjust only this function when a sandbox shows the real answer.
 */
export function meansConversationGone(answer: { status: number; code?: string }): boolean {
  return answer.status === 404;
}
