import { Logger } from '@nestjs/common';
import { ConnectorAdapter, OAUTH_CONFIGURATION_KEYS, ProviderSession, ProviderTokens, RefreshingSession } from '@connector-events/connectors';
import { InstanceRecord, InstanceTokensMessage, MessageBus, TOPICS, sealInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { PollerStore, StoredTokens } from '../store/poller-store';
import { chooseTokens, snapshotTokens, tokenFingerprint } from './token-choice';

export const TOKENS_REFRESHED_BY = 'poller';

/**
 * Provider sessions for polls and subscription calls. A refresh is stored (sealed) in the
 * poller's own table first, because providers that rotate refresh tokens refuse the old one
 * from then on; it is then published on `oc.instances.tokens.v1` so instance-service records it
 * and the next snapshot carries it to every service.
 */
export class PollerSessions {
  private readonly logger = new Logger(PollerSessions.name);

  constructor(
    private readonly store: PollerStore,
    private readonly bus: MessageBus,
    private readonly secretBox: SecretBox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** `known`: the stored tokens when the caller read them already (with its claim), so no query is needed. */
  async open(instance: InstanceRecord, adapter: ConnectorAdapter, known?: { readonly stored: StoredTokens | undefined }): Promise<ProviderSession> {
    const stored = known ? known.stored : await this.store.refreshedTokens(instance.id);
    let chosen: { tokens: ProviderTokens; own: boolean };
    try {
      chosen = chooseTokens(instance, stored, this.secretBox);
    } catch (error) {
      this.logger.warn({ instanceId: instance.id, err: error instanceof Error ? error.message : String(error) }, 'stored tokens do not open; using the snapshot tokens');
      chosen = { tokens: snapshotTokens(instance), own: false };
    }
    if (chosen.own && stored && !stored.reported) await this.report(instance, chosen.tokens, stored).catch(() => undefined);
    const replaced = chosen.own && stored ? stored.replacedAccessToken : tokenFingerprint(chosen.tokens.accessToken);
    return new RefreshingSession(
      adapter.oauth,
      {
        clientId: instance.configuration[OAUTH_CONFIGURATION_KEYS.clientId] ?? '',
        clientSecret: instance.configuration[OAUTH_CONFIGURATION_KEYS.clientSecret] ?? '',
        providerData: chosen.tokens.providerData,
      },
      chosen.tokens,
      (tokens) => this.refreshed(instance, tokens, replaced),
      this.clock,
    );
  }

  private async refreshed(instance: InstanceRecord, tokens: ProviderTokens, replacedAccessToken: string): Promise<void> {
    const stored: StoredTokens = {
      sealedTokens: sealInstanceTokens(this.secretBox, instance.id, tokens),
      ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt } : {}),
      providerData: tokens.providerData,
      refreshedAt: this.clock().toISOString(),
      replacedAccessToken,
      reported: false,
    };
    await this.store.saveRefreshedTokens(instance.id, stored);
    this.logger.log({ instanceId: instance.id, elementKey: instance.elementKey }, 'refreshed the OAuth tokens');
    await this.report(instance, tokens, stored);
  }

  /** Publishes the tokens for instance-service; on failure the next session of the instance tries again. */
  private async report(instance: InstanceRecord, tokens: ProviderTokens, stored: StoredTokens): Promise<void> {
    const message: InstanceTokensMessage = {
      instanceId: instance.id,
      elementKey: instance.elementKey,
      sealedTokens: stored.sealedTokens,
      ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}),
      providerData: { ...tokens.providerData },
      refreshedAt: stored.refreshedAt,
      refreshedBy: TOKENS_REFRESHED_BY,
    };
    await this.bus.publish(TOPICS.instanceTokens, [{ value: message }]);
    await this.store.markTokensReported(instance.id, stored.refreshedAt);
  }
}
