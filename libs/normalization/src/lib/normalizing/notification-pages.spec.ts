import { EventNotification, EventObject, validateShape } from '@connector-events/event-schema';
import { InstanceRecord } from '@connector-events/messaging';
import { NOTIFICATION_USER, eventObjectMessages, notificationPages } from './notification-pages';

const instance: InstanceRecord = {
  id: 7950647,
  version: 4,
  organizationId: 874,
  userId: 2749,
  elementKey: 'quickbooks',
  name: 'Books',
  tags: ['finance', 'prod'],
  eventsEnabled: true,
  configuration: {},
  providerData: {},
  tokens: {},
  updatedDate: '2026-11-23T10:00:00.000Z',
};

function events(count: number): EventObject[] {
  return Array.from({ length: count }, (_, i) => ({
    objectType: 'invoices',
    objectId: String(1000 + i),
    eventType: 'UPDATED' as const,
    elementKey: 'quickbooks',
    hubKey: 'finance',
    date: '2018-08-20T15:29:06.000Z',
  }));
}

const raw = { invoices: [{ Id: '14682' }], pollDate: 1534778974827, objectType: 'invoices' };
const base = { instance, rawEventId: 'raw-1', receivedAt: new Date('2018-08-20T15:30:07.000Z'), raw };

describe('notificationPages', () => {
  it('splits 100 webhook events into 5 notifications of 20, each repeating the whole raw payload', () => {
    const pages = notificationPages({ ...base, source: 'webhook', events: events(100) });
    expect(pages.map((page) => page.message.events.length)).toEqual([20, 20, 20, 20, 20]);
    expect(pages.flatMap((page) => page.message.events.map((event) => event.objectId))).toEqual(events(100).map((e) => e.objectId));
    for (const page of pages) expect(page.message.raw).toEqual(raw);
  });

  it('pages polled events by 10', () => {
    const pages = notificationPages({ ...base, source: 'polling', events: events(25) });
    expect(pages.map((page) => page.message.events.length)).toEqual([10, 10, 5]);
  });

  it('fills the envelope as Open Connectors does, and every page passes the schema', () => {
    const [page] = notificationPages({ ...base, source: 'polling', events: events(1) });
    expect(page).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/),
      topic: 'instance-7950647-quickbooks-events',
      severity: 'medium',
      action: 'create',
      createdDate: 'Mon Aug 20 15:30:07 UTC 2018',
      user: NOTIFICATION_USER,
      message: {
        elementKey: 'quickbooks',
        eventId: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/),
        instanceId: 7950647,
        instance_id: 7950647,
        instanceName: 'Books',
        instanceTags: ['finance', 'prod'],
        accountId: 874,
        companyId: 874,
        userId: 2749,
        raw,
        events: events(1),
      },
    });
    for (const each of notificationPages({ ...base, source: 'webhook', events: events(45) })) {
      expect(validateShape(EventNotification, each)).toMatchObject({ ok: true });
    }
  });

  it('derives every id from the instance, the raw event and the page, so a replay yields the same ids', () => {
    const ids = (pages: EventNotification[]) => pages.map((page) => [page.id, page.message.eventId]);
    const first = notificationPages({ ...base, source: 'webhook', events: events(41) });
    const again = notificationPages({ ...base, source: 'webhook', events: events(41), receivedAt: new Date() });
    expect(ids(again)).toEqual(ids(first));
    const all = ids(first).flat();
    expect(new Set(all).size).toBe(all.length);
    const otherRaw = notificationPages({ ...base, rawEventId: 'raw-2', source: 'webhook', events: events(41) });
    const otherInstance = notificationPages({ ...base, instance: { ...instance, id: 1 }, source: 'webhook', events: events(41) });
    for (const other of [otherRaw, otherInstance]) {
      expect(ids(other).flat().filter((id) => all.includes(id))).toEqual([]);
    }
  });

  it('makes no notification without events', () => {
    expect(notificationPages({ ...base, source: 'webhook', events: [] })).toEqual([]);
  });

  it('gives each event object its own message, naming the page that carried it', () => {
    const pages = notificationPages({ ...base, source: 'webhook', events: events(21) });
    const objects = eventObjectMessages(pages);
    expect(objects).toHaveLength(21);
    expect(objects[0]).toEqual({ instanceId: 7950647, eventId: pages[0]?.message.eventId, event: events(1)[0] });
    expect(objects[20]?.eventId).toBe(pages[1]?.message.eventId);
  });
});
