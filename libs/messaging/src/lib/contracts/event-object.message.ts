import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsNotEmpty, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { EventObject } from '@connector-events/event-schema';

/** One event object on its own, for consumers that want one change per message. */
export class EventObjectMessage {
  @IsInt()
  @Min(1)
  instanceId!: number;

  /** The `message.eventId` of the notification page that carried this object. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => EventObject)
  event!: EventObject;
}
