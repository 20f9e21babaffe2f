import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_EVENTS_PER_NOTIFICATION } from './event-source';
import { EventObject } from './event-object';
import { ELEMENT_KEY_PATTERN } from './patterns';

/** `message` of a notification: who it is for, the raw provider payload, and up to 20 events. */
export class NotificationMessage {
  @Matches(ELEMENT_KEY_PATTERN)
  elementKey!: string;

  /** Unique per notification page; receivers dedupe on it. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  @IsInt()
  @Min(1)
  instanceId!: number;

  /** The same id again: Open Connectors sends both spellings and clients read either. */
  @IsInt()
  @Min(1)
  instance_id!: number;

  @IsString()
  @MaxLength(1024)
  instanceName!: string;

  @IsArray()
  @IsString({ each: true })
  instanceTags!: string[];

  @IsInt()
  @Min(0)
  accountId!: number;

  @IsInt()
  @Min(0)
  companyId!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  userId?: number;

  /** The full provider payload, repeated in every page of a split batch. */
  @IsObject()
  raw!: Record<string, unknown>;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENTS_PER_NOTIFICATION.webhook)
  @ValidateNested({ each: true })
  @Type(() => EventObject)
  events!: EventObject[];
}
