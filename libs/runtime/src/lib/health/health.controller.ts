import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { Response } from 'express';
import { MESSAGE_BUS, MessageBus } from '@connector-events/messaging';
import { DatabaseRegistry } from '@connector-events/persistence';

interface Check {
  readonly status: 'up' | 'down';
  readonly detail: string;
}

/**
 * Liveness says the process runs; readiness says it can do its work: the message bus
 * answers and every database it owns answers. Orchestrators route traffic on readiness only.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly databases: DatabaseRegistry,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'error'; checks: Record<string, Check> }> {
    const [bus, databases] = await Promise.all([this.bus.health(), this.databases.health()]);
    const checks: Record<string, Check> = { messaging: { status: bus.up ? 'up' : 'down', detail: bus.detail } };
    for (const db of databases) checks[`database:${db.name}`] = { status: db.up ? 'up' : 'down', detail: db.detail };
    const ok = Object.values(checks).every((check) => check.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'error', checks };
  }
}
