// Discovery from a SIP domain (doctor, issue 17 item 7): DNS SRV and lyncdiscover against a real DNS
// server on loopback (discovery-dns-server.ts writes the wire format itself), Autodiscover against the
// reference server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryError, discover, registrarCandidates, sipDomainOf } from '../src/internal/discovery.js';
import { startDnsServer, type TestDnsServer } from './discovery-dns-server.js';

describe('discover(): DNS SRV and lyncdiscover through a settable resolver', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer(
      {
        'contoso.test': [],
        '_sipinternaltls._tcp.contoso.test': [
          { type: 'SRV', priority: 10, weight: 5, port: 5061, target: 'pool2.contoso.test' },
          { type: 'SRV', priority: 0, weight: 0, port: 5061, target: 'pool1.contoso.test' },
        ],
        '_sip._tls.contoso.test': [{ type: 'SRV', priority: 0, weight: 0, port: 443, target: 'sip.fabrikam.test' }],
        'lyncdiscover.contoso.test': [],
        'empty.test': [],
      },
      ['broken.test', '_sipinternaltls._tcp.broken.test', '_sip._tls.broken.test'],
    );
  });
  afterAll(() => dns.close());

  it('reads both SRV names, sorted as a client tries them, and flags an Edge target outside the SIP domain', async () => {
    const r = await discover({ domain: 'sip:alice@Contoso.test', dnsServers: [dns.server], dnsOnly: true });
    expect(r.domain).toBe('contoso.test');
    expect(r.srv.internal.map((t) => `${t.priority} ${t.name}:${t.port}`)).toEqual(['0 pool1.contoso.test:5061', '10 pool2.contoso.test:5061']);
    expect(r.srv.edge).toEqual([{ name: 'sip.fabrikam.test', port: 443, priority: 0, weight: 0 }]);
    expect(dns.queries).toEqual(
      expect.arrayContaining([
        'SRV _sipinternaltls._tcp.contoso.test',
        'SRV _sip._tls.contoso.test',
        'A lyncdiscoverinternal.contoso.test',
        'A lyncdiscover.contoso.test',
      ]),
    );
    const ids = r.findings.map((f) => `${f.severity} ${f.id}`);
    expect(ids).toContain('warning discovery.srv-target-outside-domain');
    expect(r.findings.find((f) => f.id === 'discovery.srv-target-outside-domain')!.remedy).toContain('sip.fabrikam.test');
    // lyncdiscover(internal) do not resolve: a warning (SRV still finds the registrar), with the names to publish.
    const ld = r.findings.find((f) => f.id === 'discovery.no-lyncdiscover')!;
    expect(ld.severity).toBe('warning');
    expect(ld.remedy).toContain('lyncdiscoverinternal.contoso.test');
    expect(r.log.join('\n')).toContain('SRV _sipinternaltls._tcp.contoso.test: 0 0 5061 pool1.contoso.test, 10 5 5061 pool2.contoso.test');
  });

  it('a domain without any record: no-srv and no-lyncdiscover are errors', async () => {
    const r = await discover({ domain: 'empty.test', dnsServers: [dns.server] });
    expect(r.srv).toEqual({ internal: [], edge: [] });
    expect(r.findings.map((f) => `${f.severity} ${f.id}`).sort()).toEqual(['error discovery.no-lyncdiscover', 'error discovery.no-srv']);
    expect(r.autodiscover).toBeUndefined();
  });

  it('a failing DNS server is reported as such, not as a missing record', async () => {
    const r = await discover({ domain: 'broken.test', dnsServers: [dns.server], dnsOnly: true, dnsTimeoutMs: 500 });
    const errs = r.findings.filter((f) => f.id === 'discovery.dns-error');
    expect(errs).toHaveLength(2);
    expect(errs[0]!.summary).toMatch(/_sipinternaltls\._tcp\.broken\.test failed \(ESERVFAIL\)/);
    expect(r.findings.some((f) => f.id === 'discovery.no-srv')).toBe(false);
  });

  it('refuses what is not a domain, and a malformed DNS server, with a typed error', async () => {
    expect(() => sipDomainOf('not a domain')).toThrow(DiscoveryError);
    expect(() => sipDomainOf('localhost')).toThrow(/expected a DNS name such as contoso.com/);
    await expect(discover({ domain: 'contoso.test', dnsServers: ['nonsense:x'] })).rejects.toMatchObject({ code: 'ERR_DOCTOR_DISCOVERY_INPUT' });
  });

  it('orders the Autodiscover SIP access points as a client inside the network tries them', () => {
    expect(
      registrarCandidates({
        SipServerExternalAccess: { host: 'edge.c.test', port: 5061 },
        SipClientInternalAccess: { host: 'pool.c.test', port: 5061 },
        SipServerInternalAccess: { host: 'pool.c.test', port: 5061 },
        SipClientExternalAccess: { host: 'edge.c.test', port: 443 },
      }),
    ).toEqual([
      { host: 'pool.c.test', port: 5061 },
      { host: 'edge.c.test', port: 443 },
      { host: 'edge.c.test', port: 5061 },
    ]);
  });
});
