import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const DELIVERY_OUTCOMES = ['DELIVERED', 'FAILED', 'RETRY_SCHEDULED', 'QUEUED', 'CALLBACK_DISABLED'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One attempt to deliver one notification to its callback URL. */
export class DeliveryAttemptMessage {
  @IsInt()
  @Min(1)
  instanceId!: number;

  /** The notification's `message.eventId`. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  @IsInt()
  @Min(0)
  attempt!: number;

  @IsIn(DELIVERY_OUTCOMES)
  outcome!: DeliveryOutcome;

  @IsISO8601({ strict: true })
  attemptedAt!: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  statusCode?: number;

  @IsInt()
  @Min(0)
  durationMs!: number;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error?: string;

  /** The start of the callback's answer, for the delivery log. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  responseBody?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  nextAttemptAt?: string;
}
