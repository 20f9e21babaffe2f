import { EVENT_TYPES, ELEMENT_KEY_PATTERN, EventType } from '@connector-events/event-schema';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/**
 * A connector described in JSON rather than code: OAuth 2.0 against one token endpoint, and
 * HMAC-signed JSON webhooks mapped field by field onto event objects. Loaded from
 * `CONNECTOR_DEFINITIONS_FILE`; `examples/acme-crm.connector.json` shows every part.
 */

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** An instance configuration or provider data key, such as `acme.webhook.secret` or `account_id`. */
const DATA_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/**
 * A dot path into JSON (`data.object.id`, `items.0.id`). Segments that reach into JavaScript's
 * object machinery are refused, so a path can only ever read what the provider sent.
 */
const DOT_PATH_SOURCE = '(?!(?:.*\\.)?(?:__proto__|constructor|prototype)(?:\\.|$))[^.\\s]{1,100}(?:\\.[^.\\s]{1,100}){0,9}';
const DOT_PATH = new RegExp(`^${DOT_PATH_SOURCE}$`);
/** Like `DOT_PATH`, but `''` is allowed and means the body itself. */
const ITEMS_PATH = new RegExp(`^(?:${DOT_PATH_SOURCE})?$`);
const HUB_KEY = /^[a-z][a-z0-9_-]{0,63}$/;

const dotPath = (field: string) =>
  `${field} must be a dot path such as "data.object.id" (at most 10 segments, no spaces, no __proto__/constructor/prototype)`;

export const SIGNATURE_ALGORITHMS = ['sha256', 'sha1', 'sha512'] as const;
export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export const CLIENT_AUTHENTICATIONS = ['body', 'basic'] as const;
export const MAX_EVENT_TYPE_MAPPINGS = 200;

/** OAuth 2.0 authorization-code flow (RFC 6749 §4.1) against one token endpoint. */
export class GenericOAuthDefinition {
  /** Absolute https URL; `PROVIDER_BASE_URL_<KEY>` replaces its origin and keeps its path. */
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'tokenUrl must be an absolute https URL without credentials' },
  )
  tokenUrl!: string;

  /** `body`: client_id/client_secret form fields; `basic`: HTTP Basic (RFC 6749 §2.3.1). */
  @IsIn(CLIENT_AUTHENTICATIONS)
  clientAuthentication!: 'body' | 'basic';

  /** Sent with both grants when set, as some providers require it on the token request too. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  scope?: string;

  /** Token-response fields (dot paths) kept as provider data, e.g. the account id webhooks name. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DOT_PATH, { each: true, message: dotPath('each providerDataFields entry') })
  providerDataFields?: string[];
}

/**
 * `header` = [prefix] + encode(HMAC-<algorithm>(key, message)), where the key is the instance
 * configuration value `secretConfigurationKey` and the message the exact body bytes. With a
 * `timestampHeader`, the message is `<timestamp>.<body>` (as Stripe signs) and the timestamp,
 * Unix seconds (or milliseconds, 13 digits and more), must be within `toleranceSeconds` of now.
 */
export class GenericSignatureDefinition {
  @Matches(HEADER_NAME, { message: 'header must be an HTTP header name' })
  header!: string;

  @IsIn(SIGNATURE_ALGORITHMS)
  algorithm!: (typeof SIGNATURE_ALGORITHMS)[number];

  @IsIn(SIGNATURE_ENCODINGS)
  encoding!: (typeof SIGNATURE_ENCODINGS)[number];

  /** Text before the digest in the header, such as `sha256=`. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  prefix?: string;

  @Matches(DATA_KEY, { message: 'secretConfigurationKey must be a configuration key such as "acme.webhook.secret"' })
  secretConfigurationKey!: string;

  @IsOptional()
  @Matches(HEADER_NAME, { message: 'timestampHeader must be an HTTP header name' })
  timestampHeader?: string;

  /** How far the signed timestamp may be from now; 300 when absent. Needs `timestampHeader`. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  toleranceSeconds?: number;
}

/** The provider's verification call: `?<queryParameter>=x`, answered `x` as text/plain. */
export class GenericHandshakeDefinition {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  queryParameter!: string;

  /** GET when absent. */
  @IsOptional()
  @IsIn(['GET', 'POST'])
  method?: 'GET' | 'POST';
}

/** Finds the instances of a call from an account id in its items. */
export class GenericRoutingDefinition {
  /** The items holding `accountField`; `''` or absent: the body is the array or a single item. */
  @IsOptional()
  @IsString()
  @Matches(ITEMS_PATH, { message: dotPath('itemsPath') })
  itemsPath?: string;

  @Matches(DOT_PATH, { message: dotPath('accountField') })
  accountField!: string;

  /** The provider data key (kept at OAuth time) that holds the same account id. */
  @Matches(DATA_KEY, { message: 'instanceDataKey must be a provider data key such as "account_id"' })
  instanceDataKey!: string;
}

/** How each item of the body becomes an event object. */
export class GenericEventsDefinition {
  /** The events array; `''` or absent: the body is the array or a single event. */
  @IsOptional()
  @IsString()
  @Matches(ITEMS_PATH, { message: dotPath('itemsPath') })
  itemsPath?: string;

  /** Where each item names its object type; `objectType` is then the fallback. */
  @IsOptional()
  @Matches(DOT_PATH, { message: dotPath('objectTypeField') })
  objectTypeField?: string;

  /** The object type of every item, or of items without `objectTypeField`. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  objectType?: string;

  @Matches(DOT_PATH, { message: dotPath('objectIdField') })
  objectIdField!: string;

  @IsOptional()
  @Matches(DOT_PATH, { message: dotPath('eventTypeField') })
  eventTypeField?: string;

  /**
   * Provider value of `eventTypeField` → event type. Values not listed here that already are
   * event types (`UPDATED`) are kept; anything else is `UNKNOWN`.
   */
  @IsOptional()
  @IsObject()
  @IsEventTypeMap()
  eventTypes?: Record<string, EventType>;

  /** ISO 8601 text or epoch milliseconds; the receipt time when absent or unreadable. */
  @IsOptional()
  @Matches(DOT_PATH, { message: dotPath('dateField') })
  dateField?: string;

  @IsOptional()
  @Matches(DOT_PATH, { message: dotPath('nameField') })
  nameField?: string;
}

export class GenericWebhookDefinition {
  @IsObject()
  @ValidateNested()
  @Type(() => GenericSignatureDefinition)
  signature!: GenericSignatureDefinition;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GenericHandshakeDefinition)
  handshake?: GenericHandshakeDefinition;

  /** A header carrying the provider's delivery id, so redeliveries are dropped. */
  @IsOptional()
  @Matches(HEADER_NAME, { message: 'deliveryIdHeader must be an HTTP header name' })
  deliveryIdHeader?: string;

  /** The status answered once a call is accepted; 200 when absent. */
  @IsOptional()
  @IsInt()
  @Min(200)
  @Max(299)
  acceptedStatus?: number;

  /** Without routing, calls must name their instance in the URL (`/events/{key}/{base64(id)}`). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GenericRoutingDefinition)
  routing?: GenericRoutingDefinition;

  @IsObject()
  @ValidateNested()
  @Type(() => GenericEventsDefinition)
  events!: GenericEventsDefinition;
}

export class GenericConnectorDefinition {
  @Matches(ELEMENT_KEY_PATTERN, { message: 'elementKey must be 2–64 lower-case letters and digits, starting with a letter' })
  elementKey!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  displayName!: string;

  @Matches(HUB_KEY, { message: 'hubKey must be a lower-case hub name such as "crm" or "general"' })
  hubKey!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(ELEMENT_KEY_PATTERN, { each: true, message: 'each alias must be 2–64 lower-case letters and digits, starting with a letter' })
  aliases?: string[];

  /** The object types its events are about; `[events.objectType]` when absent. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(255, { each: true })
  objects?: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => GenericOAuthDefinition)
  oauth!: GenericOAuthDefinition;

  @IsObject()
  @ValidateNested()
  @Type(() => GenericWebhookDefinition)
  webhook!: GenericWebhookDefinition;
}

/** A bounded map whose keys are provider values (1–200 characters) and values event types. */
function IsEventTypeMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isEventTypeMap',
    validator: {
      validate: (value: unknown) => eventTypeMapProblem(value) === undefined,
      defaultMessage: (args) => `eventTypes ${eventTypeMapProblem(args?.value) ?? 'is invalid'}`,
    },
  });
}

function eventTypeMapProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value);
  if (entries.length > MAX_EVENT_TYPE_MAPPINGS) return `must map at most ${MAX_EVENT_TYPE_MAPPINGS} provider values`;
  for (const [key, type] of entries) {
    if (key.length === 0 || key.length > 200) return 'keys must be 1–200 characters';
    if (!(EVENT_TYPES as readonly unknown[]).includes(type)) {
      return `maps "${key.slice(0, 50)}" to ${JSON.stringify(type)?.slice(0, 50)}; it must be one of ${EVENT_TYPES.join(', ')}`;
    }
  }
  return undefined;
}
