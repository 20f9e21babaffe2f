import { Logger } from '@nestjs/common';
import { ConnectorAdapter, ConnectorRegistry, WebhookRoute } from '@connector-events/connectors';
import { InstanceRecord, InstanceView } from '@connector-events/messaging';

/**
 * Finds the instances a provider call is for, from the instances folded from
 * `oc.instances.v1` (no call to instance-service): ids the call names, and provider keys
 * (`portal:62515`, `account:dbid:…`) through an index kept from `adapter.webhook.instanceKeys`
 * as snapshots arrive. Instances of another connector never match.
 */
export class WebhookInstanceDirectory {
  private readonly logger = new Logger(WebhookInstanceDirectory.name);
  /** `<elementKey> <providerKey>` → instance ids; the element key keeps connectors' keys apart. */
  private readonly idsByKey = new Map<string, Set<number>>();
  private readonly keysById = new Map<number, readonly string[]>();

  constructor(
    private readonly view: InstanceView,
    private readonly connectors: ConnectorRegistry,
  ) {
    // Registered before the view catches up, so every snapshot of the catch-up is indexed too.
    view.onChange((id, record) => this.reindex(id, record));
    for (const record of view.all()) this.reindex(record.id, record);
  }

  /** Every instance of `adapter`'s connector the route names, each once. */
  find(adapter: ConnectorAdapter, route: WebhookRoute): InstanceRecord[] {
    const found = new Map<number, InstanceRecord>();
    for (const id of route.instanceIds) {
      const record = this.view.get(id);
      if (record && this.connectors.find(record.elementKey) === adapter) found.set(id, record);
    }
    for (const providerKey of route.providerKeys) {
      for (const id of this.idsByKey.get(indexKey(adapter.descriptor.elementKey, providerKey)) ?? []) {
        const record = this.view.get(id);
        if (record) found.set(id, record);
      }
    }
    return [...found.values()];
  }

  /**
   * Called by the view for every change; it must not throw, or the view would retry the
   * snapshot forever: an adapter failing on odd provider data leaves the instance unindexed.
   */
  private reindex(id: number, record: InstanceRecord | undefined): void {
    for (const key of this.keysById.get(id) ?? []) {
      const ids = this.idsByKey.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.idsByKey.delete(key);
    }
    this.keysById.delete(id);
    if (!record) return;
    const adapter = this.connectors.find(record.elementKey);
    if (!adapter?.webhook) return;
    let providerKeys: string[];
    try {
      providerKeys = adapter.webhook.instanceKeys(record);
    } catch (error) {
      this.logger.warn({ instanceId: id, err: String(error) }, 'cannot read the routing keys of an instance; only its id routes to it');
      return;
    }
    const keys = [...new Set(providerKeys)].map((providerKey) => indexKey(adapter.descriptor.elementKey, providerKey));
    for (const key of keys) {
      const ids = this.idsByKey.get(key) ?? new Set<number>();
      ids.add(id);
      this.idsByKey.set(key, ids);
    }
    this.keysById.set(id, keys);
  }
}

function indexKey(elementKey: string, providerKey: string): string {
  return `${elementKey} ${providerKey}`;
}
