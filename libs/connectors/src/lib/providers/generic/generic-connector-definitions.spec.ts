import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GenericConnectorDefinition } from './generic-connector-definition';
import {
  GenericConnectorDefinitionError,
  loadGenericConnectorDefinitions,
  parseGenericConnectorDefinitions,
} from './generic-connector-definitions';

const EXAMPLE_FILE = path.join(__dirname, 'examples', 'acme-crm.connector.json');

type Plain = Record<string, unknown>;
type Breaker = (definition: Plain) => void;

/** The example definition as plain JSON, to break one field at a time. */
function example(): Plain {
  const [definition] = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as Plain[];
  return definition ?? {};
}

/** The object holding the last segment of `field`. */
function parentOf(definition: Plain, field: string): { parent: Plain; key: string } {
  const parts = field.split('.');
  const key = parts.pop() ?? field;
  const parent = parts.reduce((object, part) => object[part] as Plain, definition);
  return { parent, key };
}

const set = (field: string, value: unknown): Breaker => (definition) => {
  const { parent, key } = parentOf(definition, field);
  parent[key] = value;
};
const remove = (field: string): Breaker => (definition) => {
  const { parent, key } = parentOf(definition, field);
  delete parent[key];
};
const both = (...breakers: Breaker[]): Breaker => (definition) => breakers.forEach((breakIt) => breakIt(definition));

/** Problems of a file holding a good definition first and the broken one second, at `[1]`. */
function problemsOf(breakIt: Breaker): string[] {
  const first = { ...example(), elementKey: 'acmefirst', aliases: [] };
  const broken = example();
  breakIt(broken);
  try {
    parseGenericConnectorDefinitions([first, broken]);
  } catch (error) {
    if (error instanceof GenericConnectorDefinitionError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a GenericConnectorDefinitionError');
}

describe('generic connector definitions', () => {
  it('accepts the Acme CRM example file as class instances', () => {
    const definitions = loadGenericConnectorDefinitions(EXAMPLE_FILE);
    expect(definitions).toHaveLength(1);
    const [acme] = definitions;
    expect(acme).toBeInstanceOf(GenericConnectorDefinition);
    expect(acme).toMatchObject({
      elementKey: 'acmecrm',
      hubKey: 'crm',
      oauth: { tokenUrl: 'https://auth.acme-crm.example/oauth2/token', clientAuthentication: 'basic', providerDataFields: ['account_id'] },
      webhook: {
        signature: { header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
        routing: { itemsPath: 'events', accountField: 'accountId', instanceDataKey: 'account_id' },
        events: { itemsPath: 'events', objectTypeField: 'object', objectIdField: 'objectId', eventTypeField: 'type', dateField: 'occurredAt' },
      },
    });
  });

  it('accepts a minimal definition: body auth, no handshake, no routing, one object type', () => {
    const minimal = {
      elementKey: 'tiny',
      displayName: 'Tiny',
      hubKey: 'general',
      oauth: { tokenUrl: 'https://tiny.example/token', clientAuthentication: 'body' },
      webhook: {
        signature: { header: 'X-Tiny-Signature', algorithm: 'sha1', encoding: 'base64', secretConfigurationKey: 'tiny.secret' },
        events: { objectType: 'records', objectIdField: 'id' },
      },
    };
    expect(parseGenericConnectorDefinitions([minimal])).toEqual([expect.objectContaining({ elementKey: 'tiny' })]);
  });

  describe('names each bad field with its path', () => {
    const cases: [string, Breaker, string][] = [
      ['elementKey', set('elementKey', 'Acme CRM'), '[1].elementKey must be 2–64 lower-case letters and digits'],
      ['displayName', set('displayName', ''), '[1].displayName should not be empty'],
      ['hubKey', set('hubKey', 'CRM'), '[1].hubKey must be a lower-case hub name'],
      ['aliases', set('aliases', ['acme-crm']), '[1].aliases: each alias must be 2–64 lower-case'],
      ['objects', set('objects', ['contact', '']), '[1].objects: each value in objects should not be empty'],
      ['oauth (an array)', set('oauth', []), '[1].oauth must be an object'],
      ['oauth.tokenUrl (http)', set('oauth.tokenUrl', 'http://auth.acme-crm.example/token'), '[1].oauth.tokenUrl must be an absolute https URL'],
      ['oauth.tokenUrl (relative)', set('oauth.tokenUrl', '/oauth2/token'), '[1].oauth.tokenUrl must be an absolute https URL'],
      ['oauth.clientAuthentication', set('oauth.clientAuthentication', 'post'), '[1].oauth.clientAuthentication must be one of the following values: body, basic'],
      ['oauth.providerDataFields', set('oauth.providerDataFields', ['account id']), '[1].oauth.providerDataFields: each providerDataFields entry must be a dot path'],
      ['webhook.signature (missing)', remove('webhook.signature'), '[1].webhook.signature must be an object'],
      ['webhook.signature.header', set('webhook.signature.header', 'X Acme Signature'), '[1].webhook.signature.header must be an HTTP header name'],
      ['webhook.signature.algorithm', set('webhook.signature.algorithm', 'md5'), '[1].webhook.signature.algorithm must be one of the following values: sha256, sha1, sha512'],
      ['webhook.signature.encoding', set('webhook.signature.encoding', 'base32'), '[1].webhook.signature.encoding must be one of the following values: hex, base64'],
      ['webhook.signature.secretConfigurationKey', set('webhook.signature.secretConfigurationKey', ''), '[1].webhook.signature.secretConfigurationKey must be a configuration key'],
      ['webhook.signature.toleranceSeconds', both(set('webhook.signature.timestampHeader', 'X-Acme-Timestamp'), set('webhook.signature.toleranceSeconds', 0)), '[1].webhook.signature.toleranceSeconds must not be less than 1'],
      ['webhook.handshake.method', set('webhook.handshake.method', 'PUT'), '[1].webhook.handshake.method must be one of the following values: GET, POST'],
      ['webhook.acceptedStatus', set('webhook.acceptedStatus', 404), '[1].webhook.acceptedStatus must not be greater than 299'],
      ['webhook.routing.accountField', set('webhook.routing.accountField', 'account.__proto__'), '[1].webhook.routing.accountField must be a dot path'],
      ['webhook.events.itemsPath', set('webhook.events.itemsPath', 'events..items'), '[1].webhook.events.itemsPath must be a dot path'],
      ['webhook.events.objectIdField (missing)', remove('webhook.events.objectIdField'), '[1].webhook.events.objectIdField must be a dot path'],
      ['webhook.events.eventTypes', (d) => (parentOf(d, 'webhook.events.eventTypes.x').parent['contact.merged'] = 'MERGED'), '[1].webhook.events.eventTypes maps "contact.merged" to "MERGED"; it must be one of CREATED, UPDATED, DELETED, UNKNOWN'],
      ['an unknown field', set('webhook.acceptStatus', 202), '[1].webhook.acceptStatus is not a known field'],
      ['a reserved key in a map', (d) => (parentOf(d, 'webhook.events.eventTypes.x').parent['constructor'] = 'CREATED'), '[1].webhook.events.eventTypes.constructor is not an allowed key'],
      ['a reserved key anywhere', set('webhook.extra', JSON.parse('{"__proto__": {"polluted": true}}')), '[1].webhook.extra.__proto__ is not an allowed key'],
    ];
    it.each(cases)('%s', (_field, breakIt, expected) => {
      expect(problemsOf(breakIt)).toEqual([expect.stringContaining(expected)]);
    });
  });

  describe('checks the rules between fields', () => {
    const cases: [string, Breaker, string][] = [
      ['a tolerance without a timestamp header', set('webhook.signature.toleranceSeconds', 60), '[1].webhook.signature.toleranceSeconds needs webhook.signature.timestampHeader'],
      ['no object type at all', remove('webhook.events.objectTypeField'), '[1].webhook.events needs objectTypeField or objectType'],
      ['event types without their field', remove('webhook.events.eventTypeField'), '[1].webhook.events.eventTypes needs webhook.events.eventTypeField'],
      ['routing on data OAuth never keeps', set('oauth.providerDataFields', ['user_id']), '[1].webhook.routing.instanceDataKey "account_id" must be one of oauth.providerDataFields'],
      ['one header for two purposes', set('webhook.signature.timestampHeader', 'x-acme-signature'), '[1].webhook uses one header for two purposes'],
      ['an alias repeating the key', set('aliases', ['acmecrm']), '[1].aliases repeats the elementKey "acmecrm"'],
    ];
    it.each(cases)('%s', (_rule, breakIt, expected) => {
      expect(problemsOf(breakIt)).toEqual([expect.stringContaining(expected)]);
    });
  });

  it('lists every problem of every definition in one error', () => {
    const broken = example();
    both(set('webhook.signature.algorithm', 'md5'), set('oauth.clientAuthentication', 'none'))(broken);
    const error = (() => {
      try {
        return parseGenericConnectorDefinitions([broken, 'not a definition', { ...example(), displayName: 42 }]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(GenericConnectorDefinitionError);
    const { problems, message } = error as GenericConnectorDefinitionError;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('[0].oauth.clientAuthentication must be one of'),
        expect.stringContaining('[0].webhook.signature.algorithm must be one of'),
        '[1] must be a JSON object',
        expect.stringContaining('[2].displayName must be a string'),
        '[2] claims the key "acmecrm", already claimed by [0]',
      ]),
    );
    expect(message).toContain('  - [0].webhook.signature.algorithm');
  });

  it('refuses anything but an array of definitions', () => {
    expect(() => parseGenericConnectorDefinitions(example())).toThrow('the definitions must be a JSON array');
    expect(() => parseGenericConnectorDefinitions(Array.from({ length: 101 }, example))).toThrow('at most 100 connector definitions');
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'generic-definitions-'));
    const missing = path.join(dir, 'missing.json');
    expect(() => loadGenericConnectorDefinitions(missing)).toThrow(new RegExp(`Invalid ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\n  - cannot read the file: ENOENT`));
    const notJson = path.join(dir, 'broken.json');
    writeFileSync(notJson, '[{"elementKey": "acme",]');
    expect(() => loadGenericConnectorDefinitions(notJson)).toThrow(/broken\.json:\n {2}- not valid JSON/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ ...example(), hubKey: 'CRM' }]));
    expect(() => loadGenericConnectorDefinitions(bad)).toThrow(/bad\.json:\n {2}- \[0\]\.hubKey must be/);
  });
});
