import { IngestRejection } from '../pipeline/ingest-rejection';
import { MAX_BODY_DEPTH, rawEventBodyOf } from './raw-event-body';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('rawEventBodyOf', () => {
  it('keeps a JSON object as sent, whatever the content type says', () => {
    expect(rawEventBodyOf(bytes('{"a":1,"b":[true]}'), 'application/json')).toEqual({ a: 1, b: [true] });
    expect(rawEventBodyOf(bytes('{"a":1}'), 'text/plain')).toEqual({ a: 1 });
    expect(rawEventBodyOf(bytes('\ufeff{"a":1}'), undefined)).toEqual({ a: 1 });
  });

  it('wraps a JSON array under payload, as the HubSpot and QuickBooks adapters read it', () => {
    expect(rawEventBodyOf(bytes('[{"portalId":1}]'), 'application/json')).toEqual({ payload: [{ portalId: 1 }] });
  });

  it('keeps form fields, a repeated one as an array, and a field named __proto__ as a field', () => {
    const body = rawEventBodyOf(bytes('a=1&b=two+words&b=%2B&__proto__=x'), 'application/x-www-form-urlencoded; charset=utf-8');
    expect(body).toEqual({ a: '1', b: ['two words', '+'], ['__proto__']: 'x' });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toContain('__proto__');
  });

  it('gives {} for no body and {text} for anything else', () => {
    expect(rawEventBodyOf(Buffer.alloc(0), 'application/json')).toEqual({});
    expect(rawEventBodyOf(bytes('<xml/>'), 'application/xml')).toEqual({ text: '<xml/>' });
    expect(rawEventBodyOf(bytes('"just a string"'), undefined)).toEqual({ text: '"just a string"' });
    expect(rawEventBodyOf(bytes('42'), 'application/json')).toEqual({ text: '42' });
  });

  it('refuses a body that claims to be JSON and is not', () => {
    for (const type of ['application/json', 'application/cloudevents-batch+json; charset=utf-8']) {
      expect(() => rawEventBodyOf(bytes('{"a":'), type)).toThrow(
        new IngestRejection(400, 'payload_invalid', 'the body is not valid JSON, though its Content-Type says it is'),
      );
    }
  });

  it('refuses JSON nested deeper than any provider sends, which would overflow JSON.stringify later', () => {
    const deep = (levels: number): Buffer => bytes(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(rawEventBodyOf(deep(MAX_BODY_DEPTH), undefined)).toEqual({ payload: expect.any(Array) });
    expect(() => rawEventBodyOf(deep(MAX_BODY_DEPTH + 1), undefined)).toThrow(`the body nests deeper than ${MAX_BODY_DEPTH} levels`);
    expect(() => rawEventBodyOf(deep(200_000), undefined)).toThrow(IngestRejection);
  });
});
