import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EVENT_SOURCES, EventSource } from './event-source';
import { ELEMENT_KEY_PATTERN } from './patterns';

/**
 * What webhook-ingest and the poller hand to the normalizer: one provider call or one poll
 * result, for one instance, exactly as received.
 */
export class RawEvent {
  /** Stable id: the same provider call or poll always gets the same id, so reprocessing is idempotent. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  rawEventId!: string;

  @IsInt()
  @Min(1)
  instanceId!: number;

  @Matches(ELEMENT_KEY_PATTERN)
  elementKey!: string;

  @IsIn(EVENT_SOURCES)
  source!: EventSource;

  @IsISO8601({ strict: true })
  receivedAt!: string;

  /** The provider's own id for this delivery, when it has one; duplicates are dropped on it. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  providerEventId?: string;

  /** Request headers that matter to normalization (lower-case names); never credentials. */
  @IsObject()
  headers!: Record<string, string>;

  /** Query parameters of GET-style provider calls. */
  @IsOptional()
  @IsObject()
  query?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  contentType?: string;

  /**
   * Set by the normalizer when it puts back a raw event it had parked while the provider kept
   * failing: how many times it has been parked. Absent on first delivery.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  parkedAttempts?: number;

  /**
   * For webhooks the provider body (parsed JSON, or `{ "text": … }` for other bodies);
   * for polling `{ <objectType>: [records], pollDate, objectType }`.
   */
  @IsObject()
  body!: Record<string, unknown>;
}
