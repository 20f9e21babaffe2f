import { RawEvent } from '@connector-events/event-schema';
import { ParkedRawEvent, ParkedRawEventStore } from './parked-raw-event-store';

interface Row {
  readonly json: string;
  readonly seq: number;
  readonly entry: ParkedRawEvent;
}

/** {@link ParkedRawEventStore} in memory, for unit tests and the in-process harness. */
export class InMemoryParkedRawEventStore implements ParkedRawEventStore {
  private readonly parked = new Map<string, Row>();
  private seq = 0;

  async park(entry: ParkedRawEvent): Promise<void> {
    this.parked.set(entry.raw.rawEventId, { json: JSON.stringify(entry.raw), seq: (this.seq += 1), entry });
  }

  async nextAttemptOf(instanceId: number): Promise<Date | undefined> {
    const times = this.rows().filter((row) => row.entry.raw.instanceId === instanceId).map((row) => row.entry.nextAttemptAt.getTime());
    return times.length > 0 ? new Date(Math.min(...times)) : undefined;
  }

  async redriveDue(now: Date, instances: number, publish: (raws: readonly RawEvent[]) => Promise<void>): Promise<number> {
    const earliest = new Map<number, number>();
    for (const { entry } of this.rows()) {
      const id = entry.raw.instanceId;
      earliest.set(id, Math.min(earliest.get(id) ?? Infinity, entry.nextAttemptAt.getTime()));
    }
    const chosen = new Set(
      [...earliest].filter(([, at]) => at <= now.getTime()).sort((a, b) => a[1] - b[1]).slice(0, instances).map(([id]) => id),
    );
    const due = this.rows()
      .filter((row) => chosen.has(row.entry.raw.instanceId))
      .sort(
        (a, b) =>
          a.entry.raw.instanceId - b.entry.raw.instanceId ||
          Date.parse(a.entry.raw.receivedAt) - Date.parse(b.entry.raw.receivedAt) ||
          a.seq - b.seq,
      );
    if (due.length === 0) return 0;
    await publish(due.map(({ json }) => JSON.parse(json) as RawEvent));
    for (const { entry } of due) this.parked.delete(entry.raw.rawEventId);
    return due.length;
  }

  async count(): Promise<number> {
    return this.parked.size;
  }

  private rows(): Row[] {
    return [...this.parked.values()];
  }
}
