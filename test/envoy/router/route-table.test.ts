import { describe, expect, it } from 'vitest';
import { RouteTable, type VirtualHost } from '../../../src/envoy/router/route-table.js';

const vh = (name: string, ...domains: string[]): VirtualHost => ({ name, domains, routes: [] });

describe('RouteTable virtual host lookup (memoised per authority)', () => {
  const exact = vh('exact', 'svc.ns.svc.cluster.local', 'svc.ns.svc.cluster.local:8080', 'svc', 'svc:8080');
  const wide = vh('wide', '*.example.com');
  const narrow = vh('narrow', '*.api.example.com');
  const fallback = vh('fallback', '*');

  it('exact (case-insensitive), longest wildcard suffix, then *; the same answer on every repeat', () => {
    const t = new RouteTable([exact, wide, narrow, fallback]);
    for (let round = 0; round < 3; round++) {
      expect(t.virtualHost('svc')?.name).toBe('exact');
      expect(t.virtualHost('SVC:8080')?.name).toBe('exact');
      expect(t.virtualHost('svc:9090')?.name).toBe('fallback'); // the port is part of the domain
      expect(t.virtualHost('a.example.com')?.name).toBe('wide');
      expect(t.virtualHost('v1.API.example.com')?.name).toBe('narrow');
      expect(t.virtualHost('other')?.name).toBe('fallback');
    }
  });

  it('no match and no *: undefined, also when asked again (a memoised miss)', () => {
    const t = new RouteTable([exact, wide]);
    expect(t.virtualHost('nope')).toBeUndefined();
    expect(t.virtualHost('nope')).toBeUndefined();
    expect(t.virtualHost('svc')?.name).toBe('exact');
  });

  it('ignore_port_in_host_matching drops :port (not an IPv6 literal colon) before the lookup', () => {
    const t = new RouteTable([vh('gw', 'bookinfo.com'), vh('v6', '[::1]')], true);
    for (let round = 0; round < 2; round++) {
      expect(t.virtualHost('bookinfo.com:80')?.name).toBe('gw');
      expect(t.virtualHost('[::1]:8080')?.name).toBe('v6');
      expect(t.virtualHost('[::1]')?.name).toBe('v6');
    }
  });

  it('past the memo limit (4096 authorities) lookups still resolve', () => {
    const t = new RouteTable([exact, wide]);
    for (let i = 0; i < 5000; i++) expect(t.virtualHost(`h${i}.example.com`)?.name).toBe('wide');
    expect(t.virtualHost('h4999.example.com')?.name).toBe('wide');
    expect(t.virtualHost('SVC')?.name).toBe('exact');
    expect(t.virtualHost('zzz')).toBeUndefined();
  });
});
