import { LookupAddress } from 'node:dns';
import { guardedLookup, isPrivateAddress } from './address-policy';

describe('callback address policy', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '[::1]',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('refuses a name when any address it resolves to is private, at lookup time', (done) => {
    const resolver = (_host: string, _options: object, callback: (e: null, a: LookupAddress[]) => void): void =>
      callback(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.8', family: 4 },
      ]);
    guardedLookup(resolver as never)('rebinding.example', { all: true }, (error) => {
      expect(error?.message).toMatch(/rebinding\.example resolves to 10\.0\.0\.8/);
      done();
    });
  });

  it('passes a public answer through unchanged', (done) => {
    const resolver = (_host: string, _options: object, callback: (e: null, a: string, f: number) => void): void => callback(null, '93.184.216.34', 4);
    guardedLookup(resolver as never)('example.com', {}, (error, address, family) => {
      expect(error).toBeNull();
      expect([address, family]).toEqual(['93.184.216.34', 4]);
      done();
    });
  });
});
