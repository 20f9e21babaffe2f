import { RawEvent } from '@connector-events/event-schema';
import { lifecycleItemsOf } from './lifecycle-notifications';

const raw = (body: Record<string, unknown>, elementKey = 'microsoftgraph'): RawEvent => ({
  rawEventId: 'r1',
  instanceId: 3,
  elementKey,
  source: 'webhook',
  receivedAt: '2026-01-01T00:00:00.000Z',
  headers: {},
  body,
});

describe('lifecycleItemsOf', () => {
  it('finds subscriptionRemoved and reauthorizationRequired in a Graph call, and nothing in a change notification or another provider', () => {
    const body = {
      value: [
        { subscriptionId: 's1', lifecycleEvent: 'subscriptionRemoved', clientState: 'c' },
        { subscriptionId: 's2', lifecycleEvent: 'reauthorizationRequired', clientState: 'c' },
        { subscriptionId: 's3', lifecycleEvent: 'missed', clientState: 'c' },
        { subscriptionId: 's4', changeType: 'created', clientState: 'c' },
        'not an object',
      ],
    };
    expect(lifecycleItemsOf(raw(body))).toEqual([
      { subscriptionId: 's1', action: 'recreate' },
      { subscriptionId: 's2', action: 'renew' },
    ]);
    expect(lifecycleItemsOf(raw(body, 'hubspot'))).toEqual([]);
    expect(lifecycleItemsOf(raw({ value: 'x' }))).toEqual([]);
  });
});
