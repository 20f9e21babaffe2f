import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { NotificationMessage } from './notification-message';

export const NOTIFICATION_SEVERITIES = ['low', 'medium', 'high'] as const;
export const NOTIFICATION_ACTIONS = ['create', 'update', 'delete', 'unknown'] as const;

/** The JSON POSTed to a callback URL, field for field as Open Connectors sends it. */
export class EventNotification {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id!: string;

  /** `instance-{instanceId}-{elementKey}-events`. */
  @Matches(/^instance-\d+-[a-z][a-z0-9]*-events$/)
  topic!: string;

  @IsIn(NOTIFICATION_SEVERITIES)
  severity!: (typeof NOTIFICATION_SEVERITIES)[number];

  @IsIn(NOTIFICATION_ACTIONS)
  action!: (typeof NOTIFICATION_ACTIONS)[number];

  /** Java `Date.toString()` form, e.g. `Mon Aug 20 15:30:07 UTC 2018`; see formatJavaDate. */
  @Matches(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/)
  createdDate!: string;

  @IsString()
  @MaxLength(320)
  user!: string;

  // IsDefined marks it required in the JSON Schema too; ValidateNested alone does not.
  @IsDefined()
  @ValidateNested()
  @Type(() => NotificationMessage)
  message!: NotificationMessage;
}
