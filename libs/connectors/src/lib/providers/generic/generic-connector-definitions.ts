import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { GenericConnectorDefinition } from './generic-connector-definition';

/** A definitions file is configuration, not data: a few connectors, never megabytes. */
const MAX_DEFINITIONS = 100;
const MAX_FILE_BYTES = 1024 * 1024;

/** Raised at start-up when connector definitions are unusable; each problem names its path. */
export class GenericConnectorDefinitionError extends Error {
  constructor(
    readonly problems: readonly string[],
    source = 'connector definitions',
  ) {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'GenericConnectorDefinitionError';
  }
}

/**
 * Validates a parsed definitions file: a JSON array of {@link GenericConnectorDefinition}.
 * Throws one {@link GenericConnectorDefinitionError} listing every problem with its path
 * (`[1].webhook.signature.algorithm must be one of …`), unknown fields included, so a typo in
 * an optional field is reported instead of silently ignored.
 */
export function parseGenericConnectorDefinitions(json: unknown): GenericConnectorDefinition[] {
  if (!Array.isArray(json)) {
    throw new GenericConnectorDefinitionError(['the definitions must be a JSON array of connector definitions']);
  }
  if (json.length > MAX_DEFINITIONS) {
    throw new GenericConnectorDefinitionError([`at most ${MAX_DEFINITIONS} connector definitions are allowed, got ${json.length}`]);
  }
  const problems: string[] = [];
  const definitions = json.map((plain: unknown, index) => {
    const checked = checkDefinition(plain, `[${index}]`);
    problems.push(...checked.problems);
    return checked.definition;
  });
  problems.push(...duplicateKeyProblems(definitions));
  if (problems.length > 0) throw new GenericConnectorDefinitionError(problems);
  return definitions.filter((definition): definition is GenericConnectorDefinition => definition !== undefined);
}

/** One definition, validated the same way; for definitions built in code. */
export function parseGenericConnectorDefinition(plain: unknown): GenericConnectorDefinition {
  const checked = checkDefinition(plain, '');
  if (!checked.definition || checked.problems.length > 0) {
    throw new GenericConnectorDefinitionError(checked.problems, 'connector definition');
  }
  return checked.definition;
}

/** Reads and validates `CONNECTOR_DEFINITIONS_FILE`; every error names the file. */
export function loadGenericConnectorDefinitions(filePath: string): GenericConnectorDefinition[] {
  let text: string;
  try {
    const bytes = readFileSync(filePath);
    if (bytes.length > MAX_FILE_BYTES) throw new Error(`it is larger than ${MAX_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    throw new GenericConnectorDefinitionError([`cannot read the file: ${messageOf(error)}`], filePath);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenericConnectorDefinitionError([`not valid JSON: ${messageOf(error)}`], filePath);
  }
  try {
    return parseGenericConnectorDefinitions(json);
  } catch (error) {
    if (error instanceof GenericConnectorDefinitionError) throw new GenericConnectorDefinitionError(error.problems, filePath);
    throw error;
  }
}

function checkDefinition(plain: unknown, at: string): { definition?: GenericConnectorDefinition; problems: string[] } {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { problems: [`${at || 'the definition'} must be a JSON object`] };
  }
  const reserved = reservedKeyProblems(plain, at);
  if (reserved.length > 0) return { problems: reserved };
  const definition = plainToInstance(GenericConnectorDefinition, plain);
  const errors = validateSync(definition, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  const problems = flatten(errors, at);
  if (problems.length === 0) problems.push(...crossFieldProblems(definition, at));
  return { definition, problems };
}

/** Keys that would reach JavaScript's object machinery (and derail class-transformer) instead of data. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKeyProblems(value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item: unknown, index) => reservedKeyProblems(item, `${at}[${index}]`));
  return Object.entries(value).flatMap(([key, child]) => {
    const path = at ? `${at}.${key}` : key;
    return RESERVED_KEYS.has(key) ? [`${path} is not an allowed key`] : reservedKeyProblems(child, path);
  });
}

/** Rules between fields, which class-validator's per-field decorators cannot say. */
function crossFieldProblems(definition: GenericConnectorDefinition, at: string): string[] {
  const problems: string[] = [];
  const { signature, routing, events } = definition.webhook;
  const path = (field: string) => (at ? `${at}.${field}` : field);
  if (signature.toleranceSeconds !== undefined && signature.timestampHeader === undefined) {
    problems.push(`${path('webhook.signature.toleranceSeconds')} needs webhook.signature.timestampHeader`);
  }
  if (events.objectTypeField === undefined && events.objectType === undefined) {
    problems.push(`${path('webhook.events')} needs objectTypeField or objectType`);
  }
  if (events.eventTypes !== undefined && events.eventTypeField === undefined) {
    problems.push(`${path('webhook.events.eventTypes')} needs webhook.events.eventTypeField`);
  }
  if (routing && !(definition.oauth.providerDataFields ?? []).includes(routing.instanceDataKey)) {
    problems.push(
      `${path('webhook.routing.instanceDataKey')} "${routing.instanceDataKey}" must be one of oauth.providerDataFields, or no instance will ever hold it`,
    );
  }
  const headers = [signature.header, signature.timestampHeader, definition.webhook.deliveryIdHeader].flatMap((h) => (h ? [h.toLowerCase()] : []));
  if (new Set(headers).size !== headers.length) {
    problems.push(`${path('webhook')} uses one header for two purposes: signature.header, signature.timestampHeader and deliveryIdHeader must differ`);
  }
  if ((definition.aliases ?? []).includes(definition.elementKey)) {
    problems.push(`${path('aliases')} repeats the elementKey "${definition.elementKey}"`);
  }
  return problems;
}

/** Two definitions claiming one key would shadow each other; the registry would refuse them later anyway. */
function duplicateKeyProblems(definitions: readonly (GenericConnectorDefinition | undefined)[]): string[] {
  const owners = new Map<string, number>();
  const problems: string[] = [];
  definitions.forEach((definition, index) => {
    if (!definition || typeof definition.elementKey !== 'string') return;
    const keys = [definition.elementKey, ...(Array.isArray(definition.aliases) ? definition.aliases : [])];
    for (const key of new Set(keys)) {
      const owner = owners.get(key);
      if (owner !== undefined) problems.push(`[${index}] claims the key "${key}", already claimed by [${owner}]`);
      else owners.set(key, index);
    }
  });
  return problems;
}

/** `[1].webhook.signature.algorithm must be one of …`: the full path, then class-validator's words. */
function flatten(errors: readonly ValidationError[], prefix: string): string[] {
  return errors.flatMap((error) => {
    const at = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, text]) => {
      if (constraint === 'whitelistValidation') return `${at} is not a known field`;
      return text.startsWith(error.property) ? `${prefix ? `${prefix}.` : ''}${text}` : `${at}: ${text}`;
    });
    return [...own, ...flatten(error.children ?? [], at)];
  });
}

/** Node's own errors may come from another realm (test sandboxes), so no `instanceof Error`. */
function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
