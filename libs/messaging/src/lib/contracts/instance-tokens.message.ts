import { IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { ELEMENT_KEY_PATTERN } from '@connector-events/event-schema';

/**
 * New OAuth tokens a service obtained by refreshing (the normalizer, the poller). instance-service
 * records them as a `TokensRefreshed` event, so the next snapshot carries them to every service:
 * providers that rotate refresh tokens (HubSpot, QuickBooks, Graph) refuse the old one.
 */
export class InstanceTokensMessage {
  @IsInt()
  @Min(1)
  instanceId!: number;

  @Matches(ELEMENT_KEY_PATTERN)
  elementKey!: string;

  /** `{accessToken, refreshToken?}` sealed with SECRETS_KEY and the context `instance:<id>`. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64 * 1024)
  sealedTokens!: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  /** Provider facts the refresh returned (Salesforce's `instance_url` may move). */
  @IsObject()
  providerData!: Record<string, string>;

  /** When the refresh happened; instance-service keeps only the newest. */
  @IsISO8601({ strict: true })
  refreshedAt!: string;

  /** Which service refreshed, for the log. */
  @IsString()
  @MaxLength(64)
  refreshedBy!: string;
}
