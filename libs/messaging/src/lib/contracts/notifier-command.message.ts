import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';

/**
 * - `REDELIVER_QUEUED`: send the queued deliveries that match (in the order they were queued)
 *   and reactivate their callbacks (`PUT /notifications/subscriptions/deliveries`);
 * - `REDELIVER_EVENT`: send one event's notification again, whatever became of it;
 * - `SET_FAILURE_POLICY`: the account's `notification.webhook.failure.policy`.
 */
export const NOTIFIER_COMMANDS = ['REDELIVER_QUEUED', 'REDELIVER_EVENT', 'SET_FAILURE_POLICY'] as const;
export type NotifierCommand = (typeof NOTIFIER_COMMANDS)[number];

export const FAILURE_POLICIES = ['retry', 'queue'] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

/** An instruction from instance-service's API to the notifier; always scoped to one organization. */
export class NotifierCommandMessage {
  /** Makes a republished command recognizable in the logs. */
  @IsUUID()
  commandId!: string;

  @IsIn(NOTIFIER_COMMANDS)
  command!: NotifierCommand;

  @IsInt()
  @Min(1)
  organizationId!: number;

  /** Limits the command to one instance (required by `REDELIVER_EVENT`). */
  @IsOptional()
  @IsInt()
  @Min(1)
  instanceId?: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  eventId?: string;

  /** Limits `REDELIVER_QUEUED` to one callback URL. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  callbackUrl?: string;

  @IsOptional()
  @IsIn(FAILURE_POLICIES)
  failurePolicy?: FailurePolicy;

  @IsISO8601({ strict: true })
  requestedAt!: string;
}
