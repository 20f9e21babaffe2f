import { createHash } from 'node:crypto';

/**
 * Where in its interval an instance is polled: a hash of its id, so thousands of instances on
 * the same interval are spread evenly over it instead of all polling at the top of the minute,
 * and every process computes the same slot.
 */
export function phaseOf(instanceId: number, intervalMs: number): number {
  const hash = createHash('sha256').update(String(instanceId)).digest().readUInt32BE(0);
  return hash % Math.max(1, Math.floor(intervalMs));
}

/** The first slot (`phase + k * interval` since the epoch) strictly after `time`. */
export function firstSlotAfter(time: number, intervalMs: number, phase: number): number {
  const slots = Math.floor((time - phase) / intervalMs) + 1;
  return phase + slots * intervalMs;
}

/**
 * The slot after a finished poll: the next one of its phase, skipping those already past (a poll
 * that ran late does not leave a burst of catch-up polls behind it).
 */
export function slotAfterPoll(dueAt: number, intervalMs: number, phase: number, now: number): number {
  return Math.max(dueAt + intervalMs, firstSlotAfter(now, intervalMs, phase));
}
