import { RawEvent } from '@connector-events/event-schema';
import { ParkedRawEvent, ParkedRawEventStore } from './parked-raw-event-store';

/** {@link ParkedRawEventStore} in memory, for unit tests and the in-process harness. */
export class InMemoryParkedRawEventStore implements ParkedRawEventStore {
  private readonly parked = new Map<string, { readonly json: string; readonly entry: ParkedRawEvent }>();

  async park(entry: ParkedRawEvent): Promise<void> {
    this.parked.set(entry.raw.rawEventId, { json: JSON.stringify(entry.raw), entry });
  }

  async redriveDue(now: Date, limit: number, publish: (raws: readonly RawEvent[]) => Promise<void>): Promise<number> {
    const due = [...this.parked.values()]
      .filter(({ entry }) => entry.nextAttemptAt <= now)
      .sort((a, b) => a.entry.nextAttemptAt.getTime() - b.entry.nextAttemptAt.getTime() || a.entry.parkedAt.getTime() - b.entry.parkedAt.getTime())
      .slice(0, limit);
    if (due.length === 0) return 0;
    await publish(due.map(({ json }) => JSON.parse(json) as RawEvent));
    for (const { entry } of due) this.parked.delete(entry.raw.rawEventId);
    return due.length;
  }

  async count(): Promise<number> {
    return this.parked.size;
  }
}
