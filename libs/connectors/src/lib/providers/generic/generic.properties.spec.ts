import {
  arbitraryMutation,
  arbitraryRawBody,
  expectNormalizedValid,
  inboundWebhook,
  onlyConnectorErrors,
  present,
  signedGenericWebhook,
} from '@connector-events/testing';
import { EVENT_TYPES } from '@connector-events/event-schema';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConnectorInstance } from '../../core/connector-instance';
import { ProviderSession } from '../../core/provider-session';
import { WebhookHandler } from '../../core/webhook-handler';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { GenericConnectorDefinition } from './generic-connector-definition';
import {
  GenericConnectorDefinitionError,
  loadGenericConnectorDefinitions,
  parseGenericConnectorDefinitions,
} from './generic-connector-definitions';
import { createGenericConnector } from './generic.connector';

const EXAMPLE_FILE = path.join(__dirname, 'examples', 'acme-crm.connector.json');
const SECRET = 'whsec_property';
const NOW = new Date('2024-05-01T10:00:00Z');
const session: ProviderSession = {
  accessToken: () => Promise.reject(new Error('unused')),
  refreshedAccessToken: () => Promise.reject(new Error('unused')),
};

// Short segments cannot spell __proto__, constructor or prototype.
const segment = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,7}$/);
const dotPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const itemsPath = fc.oneof(fc.constant(''), dotPath);
const headerName = fc.stringMatching(/^X-[A-Za-z0-9-]{1,16}$/);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Any definition the validator accepts, built to respect the rules between fields. */
const arbitraryDefinition: fc.Arbitrary<GenericConnectorDefinition> = fc
  .record({
    elementKey: fc.stringMatching(/^[a-z][a-z0-9]{1,15}$/),
    displayName: fc.string({ minLength: 1, maxLength: 40 }).filter((name) => name.trim() !== ''),
    hubKey: fc.constantFrom('crm', 'general', 'documents', 'finance'),
    clientAuthentication: fc.constantFrom('body' as const, 'basic' as const),
    headers: fc.uniqueArray(headerName, { minLength: 3, maxLength: 3, selector: (h) => h.toLowerCase() }),
    algorithm: fc.constantFrom('sha256' as const, 'sha1' as const, 'sha512' as const),
    encoding: fc.constantFrom('hex' as const, 'base64' as const),
    prefix: optional(fc.constantFrom('sha256=', 'v1=', '')),
    timestamped: fc.boolean(),
    toleranceSeconds: optional(fc.integer({ min: 1, max: 86_400 })),
    deliveryId: fc.boolean(),
    acceptedStatus: optional(fc.integer({ min: 200, max: 299 })),
    handshake: optional(fc.record({ queryParameter: segment, method: optional(fc.constantFrom('GET' as const, 'POST' as const)) })),
    routing: optional(fc.record({ itemsPath: optional(itemsPath), accountField: dotPath, instanceDataKey: fc.stringMatching(/^[a-z][a-z_]{0,10}$/) })),
    events: fc.record({
      itemsPath: optional(itemsPath),
      objectTypeField: optional(dotPath),
      objectType: optional(fc.string({ minLength: 1, maxLength: 20 })),
      objectIdField: dotPath,
      eventTypeField: optional(dotPath),
      eventTypes: optional(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !['__proto__', 'constructor', 'prototype'].includes(key)), fc.constantFrom(...EVENT_TYPES), { maxKeys: 5 })),
      dateField: optional(dotPath),
      nameField: optional(dotPath),
    }),
  })
  .map((d): GenericConnectorDefinition => {
    const [header = 'X-Sig', timestampHeader = 'X-Time', deliveryIdHeader = 'X-Delivery'] = d.headers;
    const events = {
      ...d.events,
      objectType: d.events.objectType ?? (d.events.objectTypeField ? undefined : 'records'),
      eventTypes: d.events.eventTypeField ? d.events.eventTypes : undefined,
    };
    const plain = {
      elementKey: d.elementKey,
      displayName: d.displayName,
      hubKey: d.hubKey,
      oauth: {
        tokenUrl: 'https://auth.provider.example/oauth/token',
        clientAuthentication: d.clientAuthentication,
        providerDataFields: d.routing ? [d.routing.instanceDataKey] : undefined,
      },
      webhook: {
        signature: {
          header,
          algorithm: d.algorithm,
          encoding: d.encoding,
          prefix: d.prefix,
          secretConfigurationKey: 'provider.webhook.secret',
          timestampHeader: d.timestamped ? timestampHeader : undefined,
          toleranceSeconds: d.timestamped ? d.toleranceSeconds : undefined,
        },
        handshake: d.handshake,
        deliveryIdHeader: d.deliveryId ? deliveryIdHeader : undefined,
        acceptedStatus: d.acceptedStatus,
        routing: d.routing,
        events,
      },
    };
    // As it would come from a file: no undefined fields.
    return JSON.parse(JSON.stringify(plain)) as GenericConnectorDefinition;
  });

function handlerOf(definition: GenericConnectorDefinition): WebhookHandler {
  return present(new ConnectorRegistry({ modules: [createGenericConnector(definition)] }).get(definition.elementKey).webhook);
}

function instanceOf(definition: GenericConnectorDefinition): ConnectorInstance {
  const routing = definition.webhook.routing;
  return {
    id: 3,
    elementKey: definition.elementKey,
    configuration: { [definition.webhook.signature.secretConfigurationKey]: SECRET },
    providerData: routing ? { [routing.instanceDataKey]: 'acct_1' } : {},
  };
}

/** Writes `value` at a dot path of `target` (made of objects), replacing whatever is in the way. */
function withPath(target: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const parts = dotted.split('.');
  const last = parts.pop() ?? dotted;
  let current = target;
  for (const part of parts) {
    const next = current[part];
    const child = typeof next === 'object' && next !== null && !Array.isArray(next) && !(next instanceof fc.Arbitrary) ? (next as Record<string, unknown>) : {};
    current[part] = child;
    current = child;
  }
  current[last] = value;
  return target;
}

/** A body shaped the way the definition reads it, each leaf an arbitrary, for `arbitraryMutation`. */
function bodyTemplate(definition: GenericConnectorDefinition): unknown {
  const { events, routing } = definition.webhook;
  const item: Record<string, unknown> = {};
  withPath(item, events.objectIdField, fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.string({ minLength: 1100, maxLength: 1200 })));
  if (events.objectTypeField) withPath(item, events.objectTypeField, fc.oneof(fc.constantFrom('contact', 'deal'), fc.string({ maxLength: 300 })));
  if (events.eventTypeField) withPath(item, events.eventTypeField, fc.constantFrom(...Object.keys(events.eventTypes ?? {}), ...EVENT_TYPES, 'constructor', '__proto__', 'other'));
  if (events.dateField) withPath(item, events.dateField, fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer(), fc.double(), fc.string()));
  if (events.nameField) withPath(item, events.nameField, fc.string({ maxLength: 5000 }));
  if (routing) withPath(item, routing.accountField, fc.constantFrom('acct_1', 'acct_2', 7));
  return events.itemsPath ? withPath({}, events.itemsPath, [item]) : [item];
}

/** A value exactly of the template's shape, each arbitrary leaf drawn (no junk: the well-formed half of the calls). */
function arbitraryShaped(template: unknown): fc.Arbitrary<unknown> {
  if (template instanceof fc.Arbitrary) return template as fc.Arbitrary<unknown>;
  if (Array.isArray(template)) return fc.array(arbitraryShaped(template[0]), { minLength: 1, maxLength: 5 });
  if (typeof template === 'object' && template !== null) {
    return fc.record(Object.fromEntries(Object.entries(template).map(([key, value]) => [key, arbitraryShaped(value)])));
  }
  return fc.constant(template);
}

describe('generic connector properties', () => {
  it('every generated definition is one the validator accepts', () => {
    fc.assert(
      fc.property(arbitraryDefinition, (definition) => {
        expect(parseGenericConnectorDefinitions([definition])).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });

  it('parsing any JSON, or the example mutated, gives definitions or one GenericConnectorDefinitionError', () => {
    const example: unknown = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8'));
    const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty');
    const hostile = fc.dictionary(hostileKeys, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), arbitraryMutation(example), fc.array(hostile, { maxLength: 2 })), (json) => {
        try {
          parseGenericConnectorDefinitions(JSON.parse(JSON.stringify(json ?? null)));
        } catch (error) {
          if (!(error instanceof GenericConnectorDefinitionError) || error.problems.length === 0) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handshake, route, verify and normalize throw only ConnectorErrors, whatever the definition and the call', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryDefinition,
        arbitraryRawBody(),
        fc.dictionary(fc.constantFrom('x-sig', 'x-time', 'x-delivery', 'element-instances'), fc.string({ maxLength: 80 })),
        fc.dictionary(segment, fc.string({ maxLength: 20 })),
        async (definition, rawBody, headers, query) => {
          const handler = handlerOf(definition);
          const signatureHeaders = Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name === 'x-sig' ? definition.webhook.signature.header.toLowerCase() : name, value]),
          );
          const request = inboundWebhook(rawBody, { headers: signatureHeaders, query, method: 'GET' });
          await onlyConnectorErrors(() => handler.handshake(request));
          await onlyConnectorErrors(() => handler.route(request));
          await onlyConnectorErrors(() => handler.deliveryId?.(request));
          await onlyConnectorErrors(() => handler.verify(request, instanceOf(definition), NOW));
          const body = parsedOrText(rawBody);
          const result = await onlyConnectorErrors(() => handler.normalize({ instance: instanceOf(definition), body, headers: {}, receivedAt: NOW, state: {} }, { session }));
          expectNormalizedValid(result);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a body shaped like the definition, however mutated, verifies when signed and normalizes into schema-valid events', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryDefinition.chain((definition) => {
          const template = bodyTemplate(definition);
          return fc.tuple(fc.constant(definition), fc.oneof(arbitraryShaped(template), arbitraryMutation(template)));
        }),
        async ([definition, body]) => {
          const handler = handlerOf(definition);
          const instance = instanceOf(definition);
          const signed = signedGenericWebhook(definition, SECRET, body, { timestamp: NOW.getTime() / 1000 });
          const request = inboundWebhook(signed.body, { headers: signed.headers });
          handler.verify(request, instance, NOW);
          await onlyConnectorErrors(() => handler.route(request));
          const result = await onlyConnectorErrors(() =>
            handler.normalize({ instance, body: JSON.parse(signed.body) as unknown, headers: signed.headers, receivedAt: NOW, state: {} }, { session }),
          );
          expectNormalizedValid(result);
          for (const event of result?.events ?? []) expect(event.elementKey).toBe(definition.elementKey);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('mutated Acme CRM calls route, verify and normalize into schema-valid events or ConnectorErrors', async () => {
    const [acme] = loadGenericConnectorDefinitions(EXAMPLE_FILE);
    const definition = present(acme);
    const handler = handlerOf(definition);
    const instance = { ...instanceOf(definition), configuration: { 'acme.webhook.secret': SECRET }, providerData: { account_id: 'acct_1' } };
    const documented = {
      events: [
        {
          id: 'evt_1',
          type: fc.constantFrom('contact.created', 'deal.updated', 'company.deleted', 'contact.merged'),
          object: fc.constantFrom('contact', 'company', 'deal'),
          objectId: 'ct_1',
          occurredAt: '2024-05-01T10:15:30Z',
          accountId: fc.constantFrom('acct_1', 'acct_2'),
        },
      ],
    };
    await fc.assert(
      fc.asyncProperty(fc.oneof(arbitraryShaped(documented), arbitraryMutation(documented)), fc.boolean(), async (body, tamper) => {
        const signed = signedGenericWebhook(definition, SECRET, body);
        const rawBody = tamper ? `${signed.body} ` : signed.body;
        const request = inboundWebhook(rawBody, { headers: signed.headers });
        await onlyConnectorErrors(() => handler.route(request));
        if (tamper) {
          expect(() => handler.verify(request, instance, NOW)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
          return;
        }
        handler.verify(request, instance, NOW);
        const result = await onlyConnectorErrors(() => handler.normalize({ instance, body: JSON.parse(rawBody) as unknown, headers: {}, receivedAt: NOW, state: {} }, { session }));
        expectNormalizedValid(result);
      }),
      { numRuns: 300 },
    );
  });
});

function parsedOrText(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { text: rawBody.toString('utf8') };
  }
}
