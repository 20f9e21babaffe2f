/** When a raw event whose provider keeps failing stops holding its partition, and when it is given up. */
export interface ParkingPolicy {
  /** Attempts in a row, in this process, before the raw event is parked. */
  readonly inlineAttempts: number;
  /**
   * Wait before the n-th re-drive (index n - 1). A raw event that fails after as many
   * re-drives as the list is long goes to the dead-letter topic.
   */
  readonly delaysMs: readonly number[];
}

const MINUTE = 60_000;

/** Three quick tries, then back after 30 s, 2, 8 and 30 min, then hourly: about 10.7 hours in all. */
export const DEFAULT_PARKING_POLICY: ParkingPolicy = {
  inlineAttempts: 3,
  delaysMs: [MINUTE / 2, 2 * MINUTE, 8 * MINUTE, 30 * MINUTE, ...Array<number>(8).fill(60 * MINUTE)],
};
