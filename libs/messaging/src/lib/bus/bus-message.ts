/** A message to publish. The key defaults to the topic's `keyOf(value)`; a tombstone needs one. */
export interface OutgoingMessage<T> {
  readonly value: T | null;
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A message as a handler receives it: decoded and already validated against its contract. */
export interface IncomingMessage<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** null only on compacted topics (a tombstone). */
  readonly value: T | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Broker time the message was appended, ms since the epoch. */
  readonly timestamp: number;
}

/** The bytes of a message as it comes off a log, before decoding. */
export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}
