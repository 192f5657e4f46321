// A request the API server refuses, as the metav1.Status it answers with: code, reason, message (and details).
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
