import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceRecord } from '@connector-events/messaging';
import { createInProcessNormalizer } from '@connector-events/normalization';

export interface NormalizerThroughput {
  readonly batchSize: number;
  readonly rawEvents: number;
  readonly seconds: number;
  readonly notifications: number;
  readonly events: number;
}

const INSTANCE: InstanceRecord = {
  id: 1,
  version: 1,
  organizationId: 1,
  userId: 1,
  elementKey: 'hubspot',
  name: 'bench',
  tags: [],
  eventsEnabled: true,
  configuration: {},
  providerData: { hub_id: '62515' },
  tokens: {},
  updatedDate: new Date().toISOString(),
};

/**
 * The normalizer's own cost, raw event to published notifications, in this process: the same
 * `RawEventNormalizer` the service runs, publishing to a bus that validates and serializes each
 * message as Kafka's would, then drops it. HubSpot batches of `batchSize` events each.
 */
export async function measureNormalizer(batchSize: number, rawEvents: number): Promise<NormalizerThroughput> {
  Logger.overrideLogger(['error']);
  const normalizer = createInProcessNormalizer({ instances: [INSTANCE] });
  const body = {
    payload: Array.from({ length: batchSize }, (_, i) => ({
      eventId: i + 1,
      subscriptionId: 25,
      portalId: 62515,
      appId: 1160452,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: 1000 + i,
      changeSource: 'CRM',
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
    })),
  };
  const raw = (): RawEvent =>
    Object.assign(new RawEvent(), {
      rawEventId: randomUUID(),
      instanceId: INSTANCE.id,
      elementKey: 'hubspot',
      source: 'webhook',
      receivedAt: new Date().toISOString(),
      headers: { 'content-type': 'application/json' },
      body,
    });
  for (let i = 0; i < Math.min(20, rawEvents); i++) await normalizer.normalize(raw());
  let notifications = 0;
  let events = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rawEvents; i++) {
    const report = await normalizer.normalize(raw());
    notifications += report.notifications.length;
    events += report.events;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { batchSize, rawEvents, seconds, notifications, events };
}
