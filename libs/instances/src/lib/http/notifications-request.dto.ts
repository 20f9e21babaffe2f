import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { FAILURE_POLICIES, FailurePolicy } from '@connector-events/messaging';

export class DeliveriesQueryDto {
  /** `instanceId = 12`, `eventId = 'abc'`, joined by `and`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  where?: string;
}

/** The account's delivery failure policy, under its Open Connectors name. */
export class NotificationSettingsDto {
  @IsIn(FAILURE_POLICIES, { message: `notification.webhook.failure.policy must be one of ${FAILURE_POLICIES.join(', ')}` })
  'notification.webhook.failure.policy'!: FailurePolicy;
}
