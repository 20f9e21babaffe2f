import { InstanceRecord } from '@connector-events/messaging';

/** Where instances are read from: the `InstanceView` in the services, a map in the harness. */
export interface InstanceSource {
  get(id: number): InstanceRecord | undefined;
}

export type InstanceLookupResult =
  | { readonly found: true; readonly record: InstanceRecord }
  | { readonly found: false; readonly reason: 'deleted' | 'unknown' };

export interface InstanceLookupOptions {
  /** How long to wait for an instance this process has not seen yet. */
  readonly unknownWaitMs: number;
  readonly pollMs?: number;
}

/**
 * Finds the instance a raw event is for. webhook-ingest publishes only for instances its own
 * view knows, and this process's view may be a moment behind it (a webhook right after the
 * instance was created), so an instance never seen is waited for a little before the raw event
 * is dropped. One seen deleted is dropped at once.
 */
export class InstanceLookup {
  private readonly deleted = new Set<number>();

  constructor(
    private readonly source: InstanceSource,
    private readonly options: InstanceLookupOptions,
  ) {}

  /** Fed from the view's changes: `undefined` is a deletion. */
  noteChange(id: number, record: InstanceRecord | undefined): void {
    if (record === undefined) this.deleted.add(id);
    else this.deleted.delete(id);
  }

  async find(id: number): Promise<InstanceLookupResult> {
    const deadline = Date.now() + this.options.unknownWaitMs;
    for (;;) {
      const record = this.source.get(id);
      if (record) return { found: true, record };
      if (this.deleted.has(id)) return { found: false, reason: 'deleted' };
      if (Date.now() >= deadline) return { found: false, reason: 'unknown' };
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 100));
    }
  }
}
