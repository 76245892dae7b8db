/**
 * Which IP addresses a remote fetch may dial. Loopback, private, link-local, CGNAT, multicast,
 * unspecified and reserved ranges are internal: reaching them from a verifier would let a
 * malicious did:web or status URL probe the verifier's own network (SSRF).
 */

function ipv4Octets(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : undefined;
}

function isInternalIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments, 192.0.0.0/24 and 192.0.2.0/24
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a! >= 224 // multicast and reserved, broadcast
  );
}

/** Expands an IPv6 address (no brackets, no zone) to eight 16-bit groups. */
function ipv6Groups(text: string): number[] | undefined {
  let address = text.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const octets = ipv4Octets(v4[1]!);
    if (!octets) return undefined;
    address = `${address.slice(0, -v4[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

/**
 * True when `ip` (an IPv4 or IPv6 literal, brackets allowed) is not a public unicast address.
 * Unparseable input counts as internal, so it is refused.
 *
 * @example
 * ```ts
 * isInternalAddress('127.0.0.1') // true
 * isInternalAddress('[::ffff:7f00:1]') // true: IPv4-mapped loopback
 * isInternalAddress('93.184.215.14') // false
 * ```
 */
export function isInternalAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = ipv4Octets(bare);
  if (v4) return isInternalIpv4(v4);
  const g = ipv6Groups(bare);
  if (!g) return true;
  const embeddedV4 = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::, ::1
    return g[5] === 0 && g[6] === 0 ? true : isInternalIpv4(embeddedV4);
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return isInternalIpv4(embeddedV4); // NAT64
  if (g[0] === 0x2002) return isInternalIpv4([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]); // 6to4
  const first = g[0]!;
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0x0db8) || // documentation
    first === 0x0100 // discard-only 100::/64
  );
}

/** True when `host` (as in a parsed URL's `hostname`) is an IP literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || ipv4Octets(host) !== undefined;
}
