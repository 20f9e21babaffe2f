import { IsArray, IsBoolean, IsInt, IsISO8601, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { ELEMENT_KEY_PATTERN } from '@connector-events/event-schema';

/**
 * The full current state of one connector instance, published by instance-service after
 * every change (a tombstone when the instance is deleted). Other services fold these into
 * their own view; nothing on the event path calls instance-service.
 */
export class InstanceSnapshotMessage {
  @IsInt()
  @Min(1)
  instanceId!: number;

  /** The aggregate version in instance-service's event store; consumers ignore older ones. */
  @IsInt()
  @Min(1)
  version!: number;

  @IsInt()
  @Min(1)
  organizationId!: number;

  /** The user who created the instance (`userId` of the notification). */
  @IsInt()
  @Min(1)
  userId!: number;

  @Matches(ELEMENT_KEY_PATTERN)
  elementKey!: string;

  @IsString()
  @MaxLength(1024)
  name!: string;

  @IsArray()
  @IsString({ each: true })
  tags!: string[];

  @IsBoolean()
  eventsEnabled!: boolean;

  /** Provider facts learned at OAuth time or later: `account_id`, `hub_id`, `realmId`, `instance_url`… */
  @IsObject()
  providerData!: Record<string, string>;

  /** Non-secret configuration values, by Open Connectors key. */
  @IsObject()
  configuration!: Record<string, string>;

  /**
   * Secret values (OAuth tokens, signature key, provider secrets) sealed with SECRETS_KEY and
   * the context `instance:<instanceId>` (see `SecretBox`); never in clear text on the topic.
   */
  @IsOptional()
  @IsString()
  sealedSecrets?: string;

  /** When the sealed access token expires, if the provider said (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  tokenExpiresAt?: string;

  @IsISO8601({ strict: true })
  updatedDate!: string;
}
