import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { EVENT_TYPES, EventType } from './event-type';
import { ELEMENT_KEY_PATTERN } from './patterns';

/**
 * The standard event object: one change to one provider object.
 * Provider extras (name, path, size, oldPath, newPath) are optional and typed here so that
 * every adapter spells them the same way.
 */
export class EventObject {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  objectType!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  objectId!: string;

  @IsIn(EVENT_TYPES)
  eventType!: EventType;

  @Matches(ELEMENT_KEY_PATTERN)
  elementKey!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  hubKey!: string;

  /** When the change happened at the provider (ISO 8601). */
  @IsISO8601({ strict: true })
  date!: string;

  /** Only on polled events: when the poll that saw the change ran (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  pollDate?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  path?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  size?: number;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  oldPath?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  newPath?: string;
}
