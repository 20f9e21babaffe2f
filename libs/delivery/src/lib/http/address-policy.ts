import { LookupAddress, LookupAllOptions, LookupOneOptions, lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a callback must not reach unless private networks are allowed: "this network",
 * private (RFC 1918), shared (CGNAT), loopback, link-local (cloud metadata at 169.254.169.254),
 * benchmarking, multicast and reserved IPv4; unspecified, loopback, unique-local, link-local,
 * site-local and multicast IPv6. IPv4-mapped and NAT64 IPv6 addresses are judged by their IPv4.
 */
const BLOCKED = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
})();

/** The IPv4 address carried in an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) address. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2] ?? '0', 16);
  const low = parseInt(match[3] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an IP address (v4 or v6) is one a callback must not reach. Not an IP address counts as refused. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(bare.toLowerCase());
    if (v4 !== undefined) return BLOCKED.check(v4, 'ipv4');
    return BLOCKED.check(bare, 'ipv6');
  }
  return true;
}

export class PrivateAddressError extends Error {
  readonly code = 'ECALLBACKPRIVATE';
  constructor(host: string, address: string) {
    super(`refused: callback host ${host} resolves to ${address}, a private, loopback or link-local address (CALLBACK_ALLOW_PRIVATE_NETWORKS is false)`);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Lookup = (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) => void;

/**
 * A `dns.lookup` for the sockets the callback client opens: it refuses the connection when any
 * address the name resolves to is private. It runs at connect time, on the address actually
 * dialled, so a name that resolved to a public address when the URL was checked and to an
 * internal one later (DNS rebinding) is still refused.
 */
export function guardedLookup(resolve: Lookup = dnsLookup as unknown as Lookup): Lookup {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const refused = addresses.find((a) => isPrivateAddress(a));
      if (refused !== undefined) return callback(new PrivateAddressError(hostname, refused), address, family);
      callback(null, address, family);
    });
  };
}
