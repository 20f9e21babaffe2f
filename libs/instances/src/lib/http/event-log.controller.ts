import { BadRequestException, Controller, Get, NotFoundException, Param, Query, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { API_BASE_PATH } from '@connector-events/config';
import { EventLogRecord, EventLogService, decodeCursor } from '../event-log/event-log.service';
import { InstancesService } from '../instances/application/instances.service';
import { Principal } from '../instances/application/principal';
import { CurrentPrincipal } from './current-principal.decorator';
import { EventAnalyticsQueryDto, EventIdParams, EventLogQueryDto, InstanceEventParams } from './event-log-request.dto';
import { InstanceIdParams } from './instance-request.dto';
import { OrganizationAuthGuard } from './organization-auth.guard';

const DEFAULT_PAGE_SIZE = 50;
const MAX_ANALYTICS_RANGE_MS = 31 * 24 * 3600 * 1000;

/**
 * The event log: `/instances/events…` and `/instances/{id}/events…`. Registered before the
 * instances controller so `/instances/events` is not read as an instance id.
 */
@Controller(`${API_BASE_PATH}/instances`)
@UseGuards(OrganizationAuthGuard)
export class EventLogController {
  constructor(
    private readonly eventLog: EventLogService,
    private readonly instances: InstancesService,
  ) {}

  @Get('events')
  async all(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EventLogQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EventLogRecord[]> {
    return this.page(response, { organizationId: principal.organizationId, ...this.window(query) });
  }

  @Get('events/analytics')
  async analytics(@CurrentPrincipal() principal: Principal, @Query() query: EventAnalyticsQueryDto) {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) throw new BadRequestException('to must be after from');
    if (to.getTime() - from.getTime() > MAX_ANALYTICS_RANGE_MS) throw new BadRequestException('from and to may be at most 31 days apart');
    return this.eventLog.analytics(principal.organizationId, from, to, query.interval ?? 'minute');
  }

  @Get('events/:eventId')
  async one(@CurrentPrincipal() principal: Principal, @Param() params: EventIdParams): Promise<EventLogRecord> {
    const record = await this.eventLog.get(principal.organizationId, params.eventId);
    if (!record) throw new NotFoundException(`no event ${params.eventId}`);
    return record;
  }

  @Get(':id/events')
  async ofInstance(
    @CurrentPrincipal() principal: Principal,
    @Param() params: InstanceIdParams,
    @Query() query: EventLogQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EventLogRecord[]> {
    await this.instances.get(principal, params.id).catch(() => {
      throw new NotFoundException(`no instance ${params.id}`);
    });
    return this.page(response, { organizationId: principal.organizationId, instanceId: params.id, ...this.window(query) });
  }

  @Get(':id/events/:eventId')
  async oneOfInstance(@CurrentPrincipal() principal: Principal, @Param() params: InstanceEventParams): Promise<EventLogRecord> {
    const record = await this.eventLog.get(principal.organizationId, params.eventId, params.id);
    if (!record) throw new NotFoundException(`instance ${params.id} has no event ${params.eventId}`);
    return record;
  }

  private window(query: EventLogQueryDto) {
    if (query.nextPage && !decodeCursor(query.nextPage)) throw new BadRequestException('nextPage must be the value a previous page returned');
    return {
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...(query.nextPage ? { nextPage: query.nextPage } : {}),
    };
  }

  private async page(response: Response, query: Parameters<EventLogService['list']>[0]): Promise<EventLogRecord[]> {
    const { records, nextPage } = await this.eventLog.list(query);
    if (nextPage) response.setHeader('Elements-Next-Page-Token', nextPage);
    return records;
  }
}
