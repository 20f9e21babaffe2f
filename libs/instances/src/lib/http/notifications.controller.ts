import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { API_BASE_PATH } from '@connector-events/config';
import { MESSAGE_BUS, MessageBus, NotifierCommandMessage, TOPICS } from '@connector-events/messaging';
import { InstancesService } from '../instances/application/instances.service';
import { Principal } from '../instances/application/principal';
import { parseDeliveriesWhere } from '../notifications/deliveries-where';
import { QueuedDelivery, QueuedDeliveriesService } from '../notifications/queued-deliveries.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { InstanceEventParams } from './event-log-request.dto';
import { DeliveriesQueryDto, NotificationSettingsDto } from './notifications-request.dto';
import { OrganizationAuthGuard } from './organization-auth.guard';

/** The answer to a command the notifier carries out asynchronously. */
export interface AcceptedCommand {
  readonly commandId: string;
  readonly command: NotifierCommandMessage['command'];
}

/**
 * Redelivery and the failure policy. The notifier owns the delivery state, so these routes send
 * it commands on `oc.notifier.commands.v1` (202: accepted, carried out shortly) and read the
 * queue from the event log instance-service already keeps.
 */
@Controller(API_BASE_PATH)
@UseGuards(OrganizationAuthGuard)
export class NotificationsController {
  constructor(
    private readonly queued: QueuedDeliveriesService,
    private readonly instances: InstancesService,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  @Get('notifications/subscriptions/deliveries')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<QueuedDelivery[]> {
    const where = parseDeliveriesWhere(query.where);
    if (!where.ok) throw new BadRequestException(where.message);
    if (where.filter.instanceId !== undefined) await this.ownInstance(principal, where.filter.instanceId);
    return this.queued.list(principal.organizationId, where.filter);
  }

  /** Redelivers the queued deliveries that match, in queue order, and reactivates their callbacks. */
  @Put('notifications/subscriptions/deliveries')
  @HttpCode(202)
  async redeliver(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<AcceptedCommand> {
    const where = parseDeliveriesWhere(query.where);
    if (!where.ok) throw new BadRequestException(where.message);
    if (where.filter.eventId !== undefined) {
      throw new BadRequestException('to redeliver one event use POST /instances/{id}/events/{eventId}/retry; where takes instanceId here');
    }
    if (where.filter.instanceId !== undefined) await this.ownInstance(principal, where.filter.instanceId);
    return this.send({
      command: 'REDELIVER_QUEUED',
      organizationId: principal.organizationId,
      ...(where.filter.instanceId === undefined ? {} : { instanceId: where.filter.instanceId }),
    });
  }

  /** Sends one event's notification again, whatever became of it. */
  @Post('instances/:id/events/:eventId/retry')
  @HttpCode(202)
  async retryEvent(@CurrentPrincipal() principal: Principal, @Param() params: InstanceEventParams): Promise<AcceptedCommand> {
    await this.ownInstance(principal, params.id);
    return this.send({ command: 'REDELIVER_EVENT', organizationId: principal.organizationId, instanceId: params.id, eventId: params.eventId });
  }

  /** The account's `notification.webhook.failure.policy` (`retry`, the default, or `queue`). */
  @Put('notifications/settings')
  @HttpCode(202)
  async settings(@CurrentPrincipal() principal: Principal, @Body() body: NotificationSettingsDto): Promise<AcceptedCommand> {
    return this.send({
      command: 'SET_FAILURE_POLICY',
      organizationId: principal.organizationId,
      failurePolicy: body['notification.webhook.failure.policy'],
    });
  }

  private async ownInstance(principal: Principal, id: number): Promise<void> {
    await this.instances.get(principal, id).catch(() => {
      throw new NotFoundException(`no instance ${id}`);
    });
  }

  private async send(fields: Omit<NotifierCommandMessage, 'commandId' | 'requestedAt'>): Promise<AcceptedCommand> {
    const command: NotifierCommandMessage = { commandId: randomUUID(), requestedAt: new Date().toISOString(), ...fields };
    await this.bus.publish(TOPICS.notifierCommands, [{ value: command }]);
    return { commandId: command.commandId, command: command.command };
  }
}
