/**
 * One provider call to `/elements/api-v2/events/{elementKey}[/{instanceSegment}]`, as received.
 * Signatures are computed over `rawBody`, so nothing here is re-serialized.
 */
export interface InboundWebhook {
  readonly method: string;
  /** The full public URL the provider called, query included (HubSpot signs it). */
  readonly url: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  /** The path segment after the element key: the instance id, base64-encoded, when present. */
  readonly instanceSegment?: string;
}

/** What the platform answers the provider directly (handshakes, acknowledgements). */
export interface WebhookReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Which instances a call is for: ids named by the call itself, and provider keys to look up. */
export interface WebhookRoute {
  readonly instanceIds: readonly number[];
  /** Such as `account:dbid:AAH…` or `portal:62515`; matched against `instanceKeys`. */
  readonly providerKeys: readonly string[];
}
