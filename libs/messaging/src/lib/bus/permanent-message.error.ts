/**
 * Thrown by a handler for a message that can never succeed (unknown connector, payload the
 * adapter cannot read): the message goes to the dead-letter topic and the partition moves on.
 * Any other error is treated as transient and retried, keeping the partition's order.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentMessageError';
  }
}
