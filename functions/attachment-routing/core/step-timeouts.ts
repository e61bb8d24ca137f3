/**
 * Each attachment Lambda's timeout, defined once: the construct deploys the functions with them, the
 * state machine bounds its Task states by them, and a handler run without a Lambda context (local
 * runners) budgets by them. No imports: synth loads this module.
 */
export const STEP_TIMEOUT_SECONDS = {
  start: 10,
  load: 120,
  ocrStart: 30,
  ocrComplete: 60,
  classify: 30,
  route: 60,
  fallback: 60,
} as const;
export type AttachmentFunction = keyof typeof STEP_TIMEOUT_SECONDS;
