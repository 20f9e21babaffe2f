import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { ANALYTICS_INTERVALS, AnalyticsInterval } from '../event-log/event-log.service';

export class EventLogQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date' })
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,512}$/, { message: 'nextPage must be the value a previous page returned' })
  nextPage?: string;
}

export class EventAnalyticsQueryDto {
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date' })
  from!: string;

  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date' })
  to!: string;

  @IsOptional()
  @IsIn(ANALYTICS_INTERVALS)
  interval?: AnalyticsInterval;
}

export class EventIdParams {
  @Matches(/^[A-Za-z0-9_.:-]{1,128}$/, { message: 'eventId is not an event id' })
  @MaxLength(128)
  eventId!: string;
}

export class InstanceEventParams extends EventIdParams {
  @Type(() => Number)
  @IsInt({ message: 'the instance id must be a whole number' })
  @Min(1)
  id!: number;
}
