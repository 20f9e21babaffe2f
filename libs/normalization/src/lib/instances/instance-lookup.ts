import { InstanceRecord } from '@connector-events/messaging';

/** Where instances are read from: the `InstanceView` in the services, a map in the harness. */
export interface InstanceSource {
  get(id: number): InstanceRecord | undefined;
  /** {@link InstanceView.settle}: waits only while the view is behind the topic. Without it, a fixed wait. */
  settle?(id: number, patienceMs: number): Promise<InstanceRecord | undefined>;
}

export type InstanceLookupResult =
  | { readonly found: true; readonly record: InstanceRecord }
  | { readonly found: false; readonly reason: 'deleted' | 'unknown' };

export interface InstanceLookupOptions {
  /** How long at most to wait for an instance this process has not seen yet. */
  readonly unknownWaitMs: number;
  readonly pollMs?: number;
}

/**
 * Finds the instance a raw event is for. webhook-ingest publishes only for instances its own
 * view knows, and this process's view may be a moment behind it (a webhook right after the
 * instance was created), so for an instance never seen the view is let catch up with
 * `oc.instances.v1` before the raw event is dropped; an instance that is not there then does
 * not exist (another deployment's, or one whose secrets this process cannot open) and costs no
 * wait, so a run of such raw events cannot hold the partition. One seen deleted is dropped at once.
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
    const known = this.source.get(id);
    if (known) return { found: true, record: known };
    if (this.deleted.has(id)) return { found: false, reason: 'deleted' };
    if (this.source.settle) {
      const settled = await this.source.settle(id, this.options.unknownWaitMs);
      if (settled) return { found: true, record: settled };
      return { found: false, reason: this.deleted.has(id) ? 'deleted' : 'unknown' };
    }
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
