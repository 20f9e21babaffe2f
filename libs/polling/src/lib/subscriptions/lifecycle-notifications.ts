import { Logger } from '@nestjs/common';
import { isRecord } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { IncomingMessage } from '@connector-events/messaging';
import { PollerStore } from '../store/poller-store';

/** The lifecycle events the poller acts on; `missed` needs nothing (basic notifications carry no data to resync). */
export type LifecycleAction = 'recreate' | 'renew';

export interface LifecycleItem {
  readonly subscriptionId: string;
  readonly action: LifecycleAction;
}

/**
 * Microsoft Graph lifecycle notifications in a raw webhook event: `subscriptionRemoved` (create
 * it again) and `reauthorizationRequired` (renew it now). webhook-ingest verified the call
 * (clientState) before publishing it, so these can be trusted.
 */
export function lifecycleItemsOf(raw: RawEvent): LifecycleItem[] {
  if (raw.source !== 'webhook' || raw.elementKey !== 'microsoftgraph') return [];
  const value = raw.body['value'];
  if (!Array.isArray(value)) return [];
  const items: LifecycleItem[] = [];
  for (const item of value.slice(0, 1000)) {
    if (!isRecord(item)) continue;
    const id = item['subscriptionId'];
    const event = item['lifecycleEvent'];
    if (typeof id !== 'string' || id === '' || id.length > 255) continue;
    if (event === 'subscriptionRemoved') items.push({ subscriptionId: id, action: 'recreate' });
    else if (event === 'reauthorizationRequired') items.push({ subscriptionId: id, action: 'renew' });
  }
  return items;
}

/**
 * Reads `oc.events.raw.v1` in the poller's own consumer group for Graph lifecycle notifications:
 * webhook-ingest already verifies and publishes every Graph call there, so no new topic or
 * endpoint is needed, and a lifecycle call is acted on even if it arrives while no poller runs.
 */
export class LifecycleNotifications {
  private readonly logger = new Logger(LifecycleNotifications.name);

  constructor(private readonly store: PollerStore) {}

  async handle(message: IncomingMessage<RawEvent>): Promise<void> {
    const raw = message.value;
    if (!raw) return;
    for (const item of lifecycleItemsOf(raw)) {
      const found = item.action === 'recreate' ? await this.store.subscriptionRemoved(item.subscriptionId) : await this.store.subscriptionDueNow(item.subscriptionId);
      if (found) this.logger.log({ instanceId: raw.instanceId, subscriptionId: item.subscriptionId, action: item.action }, 'Graph lifecycle notification');
    }
  }
}
