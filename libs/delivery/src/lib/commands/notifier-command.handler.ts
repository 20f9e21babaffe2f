import { Logger } from '@nestjs/common';
import { IncomingMessage, NotifierCommandMessage, PermanentMessageError } from '@connector-events/messaging';
import { InstanceSource } from '../delivering/notification-intake';
import { callbackTargetOf } from '../delivering/callback-target';
import { DeliveryStore } from '../store/delivery-store';

/** Carries out the API's commands on `oc.notifier.commands.v1`; every one is scoped to its organization. */
export class NotifierCommandHandler {
  private readonly logger = new Logger(NotifierCommandHandler.name);

  constructor(
    private readonly deps: { readonly instances: InstanceSource; readonly store: DeliveryStore; readonly wake: () => void },
  ) {}

  async handle(message: IncomingMessage<NotifierCommandMessage>): Promise<void> {
    const command = message.value;
    if (!command) return;
    const { store } = this.deps;
    switch (command.command) {
      case 'REDELIVER_QUEUED': {
        // The instance's current callback is reactivated even when nothing of it is queued.
        const record = command.instanceId === undefined ? undefined : this.deps.instances.get(command.instanceId);
        const target = record && record.organizationId === command.organizationId ? callbackTargetOf(record) : undefined;
        const callbackIds = target && (command.callbackUrl === undefined || command.callbackUrl === target.url) ? [target.callbackId] : [];
        const count = await store.redeliverQueued(
          {
            organizationId: command.organizationId,
            ...(command.instanceId === undefined ? {} : { instanceId: command.instanceId }),
            ...(command.callbackUrl === undefined ? {} : { callbackUrl: command.callbackUrl }),
          },
          callbackIds,
        );
        this.logger.log({ commandId: command.commandId, organizationId: command.organizationId, deliveries: count }, 'queued deliveries redelivered');
        break;
      }
      case 'REDELIVER_EVENT': {
        if (command.instanceId === undefined || command.eventId === undefined) {
          throw new PermanentMessageError('REDELIVER_EVENT needs instanceId and eventId');
        }
        const count = await store.redeliverEvent(command.organizationId, command.instanceId, command.eventId);
        this.logger.log({ commandId: command.commandId, instanceId: command.instanceId, eventId: command.eventId, deliveries: count }, 'event redelivered');
        break;
      }
      case 'SET_FAILURE_POLICY': {
        if (command.failurePolicy === undefined) throw new PermanentMessageError('SET_FAILURE_POLICY needs failurePolicy');
        await store.setFailurePolicy(command.organizationId, command.failurePolicy);
        break;
      }
    }
    this.deps.wake();
  }
}
