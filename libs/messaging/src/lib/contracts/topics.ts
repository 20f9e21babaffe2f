import { EventNotification, RawEvent } from '@connector-events/event-schema';
import { DeliveryAttemptMessage } from './delivery-attempt.message';
import { EventObjectMessage } from './event-object.message';
import { InstanceSnapshotMessage } from './instance-snapshot.message';
import { InstanceTokensMessage } from './instance-tokens.message';
import { NotifierCommandMessage } from './notifier-command.message';
import { AnyTopicContract, defineTopic } from './topic-contract';

/** The topics of the architecture; every one is keyed by instance id. */
export const TOPICS = {
  instances: defineTopic({
    name: 'oc.instances.v1',
    messageType: InstanceSnapshotMessage,
    compacted: true,
    description: 'Current state of each connector instance (tombstone on delete).',
    keyOf: (m) => String(m.instanceId),
  }),
  instanceTokens: defineTopic({
    name: 'oc.instances.tokens.v1',
    messageType: InstanceTokensMessage,
    compacted: false,
    description: 'OAuth tokens refreshed by the event-path services, for instance-service to record.',
    keyOf: (m) => String(m.instanceId),
  }),
  rawEvents: defineTopic({
    name: 'oc.events.raw.v1',
    messageType: RawEvent,
    compacted: false,
    description: 'Provider webhooks and poll results, exactly as received, one per instance.',
    keyOf: (m) => String(m.instanceId),
  }),
  notifications: defineTopic({
    name: 'oc.events.notifications.v1',
    messageType: EventNotification,
    compacted: false,
    description: 'Paged Open Connectors notifications, the JSON a callback receives.',
    keyOf: (m) => String(m.message.instanceId),
  }),
  eventObjects: defineTopic({
    name: 'oc.events.objects.v1',
    messageType: EventObjectMessage,
    compacted: false,
    description: 'Each normalized event object on its own.',
    keyOf: (m) => String(m.instanceId),
  }),
  deliveries: defineTopic({
    name: 'oc.deliveries.v1',
    messageType: DeliveryAttemptMessage,
    compacted: false,
    description: 'Every attempt to deliver a notification to a callback URL.',
    keyOf: (m) => String(m.instanceId),
  }),
  notifierCommands: defineTopic({
    name: 'oc.notifier.commands.v1',
    messageType: NotifierCommandMessage,
    compacted: false,
    description: 'Redelivery and failure-policy commands from the API to the notifier.',
    // Organization-wide commands have no instance; they are keyed by organization instead.
    keyOf: (m) => (m.instanceId === undefined ? `organization:${m.organizationId}` : String(m.instanceId)),
  }),
} as const;

export const ALL_TOPICS: readonly AnyTopicContract[] = Object.values(TOPICS);
