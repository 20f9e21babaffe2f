import { randomInt } from 'node:crypto';

/** Ids far from instance-service's sequence and from other runs on the same broker. */
export function testInstanceId(): number {
  return randomInt(1_000_000_000, 2_000_000_000);
}
