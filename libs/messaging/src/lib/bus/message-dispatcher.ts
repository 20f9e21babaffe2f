import { Logger } from '@nestjs/common';
import { StoredRecord } from './bus-message';
import { decodeRecord } from './decode-record';
import { PermanentMessageError } from './permanent-message.error';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';
import { SubscriptionSpec, TopicHandler } from './subscription';

export interface DispatchContext {
  /** Keeps the consumer's group membership alive during long retries (Kafka only). */
  heartbeat(): Promise<void>;
  /** True once the subscription is stopping or its partition was reassigned. */
  isStopping(): boolean;
}

export type DeadLetterSink = (record: StoredRecord, groupId: string, reason: string) => Promise<void>;

const HEARTBEAT_EVERY_MS = 2_000;

/**
 * What happens to one record, the same for Kafka and the in-process bus: decode and validate
 * it, run the handler, and decide — done, dead-lettered, or retried. It never lets an error
 * escape to the client library, because a throwing Kafka handler blocks its partition.
 */
export class MessageDispatcher {
  private readonly logger = new Logger(MessageDispatcher.name);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of different message types
  private readonly handlers: ReadonlyMap<string, TopicHandler<any>>;

  constructor(
    private readonly spec: SubscriptionSpec,
    private readonly deadLetter: DeadLetterSink,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.handlers = new Map(spec.handlers.map((h) => [h.topic.name, h]));
  }

  get topics(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Resolves true when the record is finished with (handled or dead-lettered), so its offset
   * may be committed; false when the subscription stopped first, so it must be read again.
   */
  async dispatch(record: StoredRecord, context: DispatchContext): Promise<boolean> {
    const handler = this.handlers.get(record.topic);
    if (handler === undefined) {
      return this.untilDone(record, context, () => this.sendToDeadLetter(record, 'no handler for this topic'));
    }
    const decoded = decodeRecord(handler.topic, record);
    if (!decoded.ok) return this.untilDone(record, context, () => this.sendToDeadLetter(record, decoded.reason));

    return this.untilDone(record, context, async () => {
      try {
        await handler.handle(decoded.message);
      } catch (error) {
        if (!(error instanceof PermanentMessageError)) throw error;
        await this.sendToDeadLetter(record, error.message);
      }
    });
  }

  private async sendToDeadLetter(record: StoredRecord, reason: string): Promise<void> {
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, groupId: this.spec.groupId, reason },
      'message sent to the dead-letter topic',
    );
    await this.deadLetter(record, this.spec.groupId, reason);
  }

  /** Runs `work` until it succeeds, backing off between failures, or until the subscription stops. */
  private async untilDone(record: StoredRecord, context: DispatchContext, work: () => Promise<void>): Promise<boolean> {
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await work();
        return true;
      } catch (error) {
        if (context.isStopping()) return false;
        this.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            groupId: this.spec.groupId,
            attempt,
            retryInMs: delay,
            err: error instanceof Error ? error.message : String(error),
          },
          'message handling failed; retrying',
        );
        if (!(await this.pause(delay, context))) return false;
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  private async pause(ms: number, context: DispatchContext): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (context.isStopping()) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(HEARTBEAT_EVERY_MS, until - Date.now())));
      await context.heartbeat();
    }
    return !context.isStopping();
  }
}
