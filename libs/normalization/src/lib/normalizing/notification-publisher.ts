import { EventNotification } from '@connector-events/event-schema';
import { EventObjectMessage, InvalidOutgoingMessageError, MessageBus, PermanentMessageError, TOPICS, TopicContract } from '@connector-events/messaging';

/**
 * Kafka refuses a record batch larger than the topic's `max.message.bytes`, and all of an
 * instance's messages go to one partition, so small notifications go together only up to this;
 * a larger one travels alone.
 */
const MAX_BYTES_PER_SEND = 512 * 1024;
/** Room for the envelope around `raw` and `events`. */
const ENVELOPE_BYTES = 2048;

/**
 * Publishes a raw event's notifications, then its event objects, in order and in sends small
 * enough for Kafka. Resolves once every message is acknowledged.
 */
export class NotificationPublisher {
  /** `maxNotificationBytes`: the topics' `max.message.bytes` (AppConfig `kafka.maxMessageBytes`). */
  constructor(
    private readonly bus: MessageBus,
    private readonly maxNotificationBytes: number,
  ) {}

  async publish(pages: readonly EventNotification[], objects: readonly EventObjectMessage[]): Promise<void> {
    if (pages.length === 0) return;
    // Every page repeats the same raw payload: measure it once.
    const rawBytes = Buffer.byteLength(JSON.stringify(pages[0]?.message.raw ?? {}));
    const sizes = pages.map((page) => rawBytes + Buffer.byteLength(JSON.stringify(page.message.events)) + ENVELOPE_BYTES);
    const largest = Math.max(...sizes);
    if (largest > this.maxNotificationBytes) {
      throw new PermanentMessageError(`notification_too_large: a notification would be about ${largest} bytes; Kafka takes at most ${this.maxNotificationBytes}`);
    }
    await this.send(TOPICS.notifications, pages, (index) => sizes[index] ?? largest);
    await this.send(TOPICS.eventObjects, objects, (index) => Buffer.byteLength(JSON.stringify(objects[index]?.event ?? {})) + 256);
  }

  private async send<T extends object>(topic: TopicContract<T>, values: readonly T[], sizeOf: (index: number) => number): Promise<void> {
    let batch: { value: T }[] = [];
    let bytes = 0;
    for (let index = 0; index < values.length; index += 1) {
      const value = values[index] as T;
      const size = sizeOf(index);
      if (batch.length > 0 && bytes + size > MAX_BYTES_PER_SEND) {
        await this.sendBatch(topic, batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ value });
      bytes += size;
    }
    if (batch.length > 0) await this.sendBatch(topic, batch);
  }

  private async sendBatch<T extends object>(topic: TopicContract<T>, batch: { value: T }[]): Promise<void> {
    try {
      await this.bus.publish(topic, batch);
    } catch (error) {
      // Our own message failing its contract is a bug no retry fixes; keep the stream moving.
      if (error instanceof InvalidOutgoingMessageError) throw new PermanentMessageError(`invalid_notification: ${error.message}`, { cause: error });
      throw error;
    }
  }
}
