/**
 * The client's address, as every rate limit and the sign-in counts see it. With `trustProxy` = 0 it
 * is the socket's peer; with n > 0 reverse proxies in front, it is the address the outermost trusted
 * proxy saw: the n-th entry from the right of `X-Forwarded-For` followed by the socket's address
 * (the same rule as Express's numeric `trust proxy`). Entries further left were written by the
 * client and are never trusted.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The socket peer's address; `unknown` when there is no socket (`app.request()` in tests). */
function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The client's address for a request that passed through `trustProxy` proxies (0–10 hops). Too few
 * `X-Forwarded-For` entries (a request that skipped a proxy) gives the leftmost address there is.
 */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = socketAddress(c);
  if (trustProxy <= 0) return socket;
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const hops = [...forwarded, socket];
  return hops[Math.max(0, hops.length - 1 - trustProxy)]!;
}

/** The first four 16-bit groups of an IPv6 address, as hex (zone and embedded IPv4 handled). */
function ipv6Prefix64(address: string): string {
  let text = address.split('%')[0]!.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}

/**
 * The key an address is counted under: an IPv4 address as is (also when IPv4-mapped), an IPv6
 * address by its /64 (one subscriber's network hands out a whole /64, RFC 6177), anything else as is.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (isIPv6(address.split('%')[0]!)) return `${ipv6Prefix64(address)}::/64`;
  return address;
}
