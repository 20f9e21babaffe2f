import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { jsonSchemaOf, validateShape } from '@connector-events/event-schema';
import { deadLetterTopicOf } from './topic-contract';
import { ALL_TOPICS, TOPICS } from './topics';

const samples: Record<string, object> = {
  [TOPICS.instances.name]: {
    instanceId: 42,
    version: 3,
    organizationId: 1,
    elementKey: 'hubspot',
    name: 'CRM',
    tags: ['prod'],
    eventsEnabled: true,
    configuration: { 'event.notification.enabled': 'true' },
    sealedSecrets: 'v1.abc',
    userId: 3,
    providerData: { hub_id: '62515' },
    updatedDate: '2026-11-23T10:00:00.000Z',
  },
  [TOPICS.instanceTokens.name]: {
    instanceId: 42,
    elementKey: 'hubspot',
    sealedTokens: 'v1.abc',
    expiresAt: '2026-11-23T10:30:00.000Z',
    providerData: { hub_id: '62515' },
    refreshedAt: '2026-11-23T10:00:00.000Z',
    refreshedBy: 'normalizer',
  },
  [TOPICS.rawEvents.name]: {
    rawEventId: 'raw-1',
    instanceId: 42,
    elementKey: 'hubspot',
    source: 'webhook',
    receivedAt: '2026-11-23T10:00:00.000Z',
    headers: { 'content-type': 'application/json' },
    body: { events: [] },
  },
  [TOPICS.notifications.name]: {
    id: '1',
    topic: 'instance-42-hubspot-events',
    severity: 'medium',
    action: 'create',
    createdDate: 'Mon Nov 23 10:00:00 UTC 2026',
    user: 'notifications@connector-events',
    message: {
      elementKey: 'hubspot',
      eventId: 'e-1',
      instanceId: 42,
      instance_id: 42,
      instanceName: 'CRM',
      instanceTags: [],
      accountId: 1,
      companyId: 1,
      raw: {},
      events: [{ objectType: 'contacts', objectId: '7', eventType: 'UPDATED', elementKey: 'hubspot', hubKey: 'crm', date: '2026-11-23T09:59:00Z' }],
    },
  },
  [TOPICS.eventObjects.name]: {
    instanceId: 42,
    eventId: 'e-1',
    event: { objectType: 'contacts', objectId: '7', eventType: 'CREATED', elementKey: 'hubspot', hubKey: 'crm', date: '2026-11-23T09:59:00Z' },
  },
  [TOPICS.deliveries.name]: {
    instanceId: 42,
    eventId: 'e-1',
    attempt: 1,
    outcome: 'DELIVERED',
    attemptedAt: '2026-11-23T10:00:01.000Z',
    statusCode: 200,
    durationMs: 12,
  },
  [TOPICS.notifierCommands.name]: {
    commandId: '3f1c1f8e-8a43-4d5e-9b1a-0c6f7f3d2a10',
    command: 'REDELIVER_EVENT',
    organizationId: 7,
    instanceId: 42,
    eventId: 'e-1',
    requestedAt: '2026-11-23T10:00:02.000Z',
  },
};

describe('topic contracts', () => {
  it('are the topics of the architecture, versioned, and only oc.instances.v1 compacted', () => {
    expect(ALL_TOPICS.map((t) => t.name)).toEqual([
      'oc.instances.v1',
      'oc.instances.tokens.v1',
      'oc.events.raw.v1',
      'oc.events.notifications.v1',
      'oc.events.objects.v1',
      'oc.deliveries.v1',
      'oc.notifier.commands.v1',
    ]);
    expect(ALL_TOPICS.filter((t) => t.compacted).map((t) => t.name)).toEqual(['oc.instances.v1']);
    expect(deadLetterTopicOf('oc.events.raw.v1')).toBe('oc.events.raw.v1.dlq');
  });

  describe.each(ALL_TOPICS.map((topic) => [topic.name, topic] as const))('%s', (name, topic) => {
    const sample = samples[name];

    it('accepts a well-formed message and keys it by instance id', () => {
      const check = validateShape(topic.messageType, sample);
      expect(check.ok).toBe(true);
      if (check.ok) expect(topic.keyOf(check.value)).toBe('42');
    });

    it('has a JSON Schema that agrees with the run-time validation', () => {
      const validate = addFormats(new Ajv2020({ strict: false, allErrors: true })).compile(jsonSchemaOf(topic.messageType));
      validate(sample);
      expect(validate.errors ?? []).toEqual([]);
      const broken = { ...sample, instanceId: -1, message: undefined, rawEventId: undefined };
      expect(validate(broken)).toBe(false);
      expect(validateShape(topic.messageType, broken).ok).toBe(false);
    });
  });
});
