import { Logger } from '@nestjs/common';
import { IncomingMessage, InstanceTokensMessage, PermanentMessageError, openInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { InstancesService } from './instances.service';

/** Records the tokens the event-path services refreshed, so the next snapshot carries them. */
export class RefreshedTokensHandler {
  private readonly logger = new Logger(RefreshedTokensHandler.name);

  constructor(
    private readonly instances: InstancesService,
    private readonly secretBox: SecretBox,
  ) {}

  async handle(message: IncomingMessage<InstanceTokensMessage>): Promise<void> {
    const report = message.value;
    if (!report) return;
    let tokens;
    try {
      tokens = openInstanceTokens(this.secretBox, report.instanceId, report.sealedTokens);
    } catch (error) {
      // Sealed with another key or for another instance: retrying cannot help.
      throw new PermanentMessageError(`tokens of instance ${report.instanceId} do not open: ${String(error)}`);
    }
    const state = await this.instances.recordRefreshedTokens(
      report.instanceId,
      { ...tokens, tokenType: 'bearer', expiresAt: report.expiresAt, providerData: report.providerData },
      { at: new Date(report.refreshedAt), by: report.refreshedBy },
    );
    this.logger.log(
      { instanceId: report.instanceId, by: report.refreshedBy, version: state?.version },
      state ? 'recorded refreshed tokens' : 'refreshed tokens for a deleted instance; ignored',
    );
  }
}
