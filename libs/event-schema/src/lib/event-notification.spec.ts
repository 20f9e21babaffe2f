import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EventNotification } from './event-notification';
import { formatJavaDate } from './java-date';
import { jsonSchemaOf } from './json-schema';
import { notificationTopic } from './notification-topic';
import { validateShape } from './validate-shape';

/** The QuickBooks notification printed in OPEN-CONNECTORS.md, as captured from Open Connectors. */
const documentedNotification = {
  id: '1496771',
  topic: 'instance-7950647-quickbooks-events',
  severity: 'medium',
  action: 'create',
  createdDate: 'Mon Aug 20 15:30:07 UTC 2018',
  user: 'notifications@cloud-elements.com',
  message: {
    elementKey: 'quickbooks',
    eventId: 'AWVX9OTIhdQRdI1F7Q7v',
    instanceId: 7950647,
    instance_id: 7950647,
    instanceName: 'QBO sandbox',
    instanceTags: ['sandbox'],
    accountId: 874,
    companyId: 291,
    userId: 2749,
    raw: { invoices: [{ Id: '14682', TotalAmt: 10 }], pollDate: 1534778974827, objectType: 'invoices' },
    events: [
      {
        objectType: 'invoices',
        objectId: '14682',
        eventType: 'CREATED',
        elementKey: 'quickbooks',
        hubKey: 'finance',
        date: '2018-08-20T15:29:06Z',
        pollDate: '2018-08-20T15:29:34Z',
      },
    ],
  },
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('EventNotification', () => {
  it('accepts the documented Open Connectors notification', () => {
    const check = validateShape(EventNotification, documentedNotification);
    expect(check).toEqual(expect.objectContaining({ ok: true }));
  });

  it('names the nested field that is wrong', () => {
    const bad = clone(documentedNotification);
    (bad.message.events[0] as { eventType: string }).eventType = 'MODIFIED';
    const check = validateShape(EventNotification, bad);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.join('\n')).toMatch(/message\.events\.0\.eventType/);
  });

  it('refuses more than 20 events in one notification', () => {
    const bad = clone(documentedNotification);
    bad.message.events = Array.from({ length: 21 }, () => clone(documentedNotification.message.events[0]));
    expect(validateShape(EventNotification, bad).ok).toBe(false);
  });

  it('refuses input that is not an object', () => {
    expect(validateShape(EventNotification, [1, 2])).toEqual({ ok: false, problems: ['expected a JSON object, got an array'] });
    expect(validateShape(EventNotification, null).ok).toBe(false);
  });

  it('has a JSON Schema that agrees with the run-time validation', () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const validate = ajv.compile(jsonSchemaOf(EventNotification));
    validate(documentedNotification);
    expect(validate.errors ?? []).toEqual([]);

    const missingInstance = clone(documentedNotification) as { message: Partial<typeof documentedNotification.message> };
    delete missingInstance.message.instanceId;
    expect(validate(missingInstance)).toBe(false);
    expect(validateShape(EventNotification, missingInstance).ok).toBe(false);
  });
});

describe('formatJavaDate', () => {
  it('formats like java.util.Date#toString in UTC', () => {
    expect(formatJavaDate(new Date('2018-08-20T15:30:07Z'))).toBe('Mon Aug 20 15:30:07 UTC 2018');
    expect(formatJavaDate(new Date('2024-01-05T03:04:05Z'))).toBe('Fri Jan 05 03:04:05 UTC 2024');
  });
});

describe('notificationTopic', () => {
  it('names the topic as Open Connectors does', () => {
    expect(notificationTopic(7950647, 'quickbooks')).toBe('instance-7950647-quickbooks-events');
  });
});
