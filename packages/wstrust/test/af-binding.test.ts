// MS-OCAUTHWS 2.2.4.3 af:Binding: the client uses a binding only when its policy carries the assertion.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webTicketBindings, WebTicketClient, WsTrustError } from './internals.js';
import { makeHandler, SERVICE } from './support.js';

const specWsdl = readFileSync(new URL('../../../vectors/spec/6.2-web-ticket-service.wsdl', import.meta.url), 'utf8');
/** The WSDL with af:Binding removed from the policy `policyId` only. */
function withoutAfBinding(wsdl: string, policyId: string): string {
  const start = wsdl.indexOf(`wsu:Id="${policyId}"`);
  const end = wsdl.indexOf('</wsp:Policy>', wsdl.indexOf('</wsp:All>', start));
  const part = wsdl.slice(start, end).replace(/<af:Binding[^>]*\/>/, '');
  expect(part).not.toContain('af:Binding');
  return wsdl.slice(0, start) + part + wsdl.slice(end);
}

describe('webTicketBindings (2.2.4.3)', () => {
  it("the spec's 6.2 WSDL: five bindings, each policy with af:Binding", () => {
    const b = webTicketBindings(specWsdl);
    expect(b.map((x) => [x.name, x.policyId, x.usable])).toEqual(
      ['WinNegotiate', 'Cert', 'Pin', 'Auth', 'Anon'].map((n) => [`WebTicketService${n}`, `WebTicketService${n}_policy`, true]),
    );
    expect(b.every((x) => x.address === undefined)).toBe(true); // 6.2 publishes no wsdl:service
  });
  it('a policy without af:Binding makes its binding unusable, and only that one', () => {
    const b = webTicketBindings(withoutAfBinding(specWsdl, 'WebTicketServicePin_policy'));
    expect(b.filter((x) => !x.usable).map((x) => x.name)).toEqual(['WebTicketServicePin']);
  });
  it("the server's WSDL: the advertised bindings are usable at their published ports", async () => {
    const h = makeHandler(() => new Date('2026-03-01T10:00:00Z'));
    const b = webTicketBindings(await (await h(new Request(`${SERVICE}?wsdl`))).text());
    expect(b.map((x) => [x.name, x.usable, x.address])).toEqual([
      ['WebTicketServiceWinNegotiate', true, SERVICE],
      ['WebTicketServicePin', true, `${SERVICE}/Pin`],
      ['WebTicketServiceAuth', true, `${SERVICE}/Auth`],
    ]);
  });
});

describe('WebTicketClient with bindingsFromMetadata', () => {
  const now = () => new Date('2026-03-01T10:00:00Z');
  const pin = { type: 'pin' as const, identity: '+15551234', pin: '12345' };
  it('reads the WSDL once, then asks for tickets at the Pin port', async () => {
    const h = makeHandler(now);
    const seen: string[] = [];
    const f = (async (u: string | URL | Request, init?: RequestInit) => {
      const r = new Request(u, init);
      seen.push(`${r.method} ${r.url}`);
      return h(r);
    }) as typeof fetch;
    const client = new WebTicketClient({ credentials: pin, clock: now, fetch: f, bindingsFromMetadata: true });
    await client.getTicket('https://pool0.example.com/a', SERVICE);
    await client.getTicket('https://pool0.example.com/a?x', SERVICE); // cached ticket: nothing sent
    expect(seen).toEqual([`GET ${SERVICE}?wsdl`, `POST ${SERVICE}/Pin`]);
  });
  it('refuses a binding whose policy lacks af:Binding without sending the credentials (ERR_WSTRUST_BINDING)', async () => {
    const h = makeHandler(now);
    const seen: string[] = [];
    const f = (async (u: string | URL | Request, init?: RequestInit) => {
      const r = new Request(u, init);
      seen.push(`${r.method} ${r.url}`);
      const res = await h(r);
      return r.method === 'GET' ? new Response(withoutAfBinding(await res.text(), 'WebTicketServicePin_policy'), { status: 200 }) : res;
    }) as typeof fetch;
    const client = new WebTicketClient({ credentials: pin, clock: now, fetch: f, bindingsFromMetadata: true });
    const e = await client.getTicket('https://pool0.example.com/a', SERVICE).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(WsTrustError);
    expect((e as WsTrustError).code).toBe('ERR_WSTRUST_BINDING');
    expect((e as Error).message).toContain('af:Binding');
    expect(seen).toEqual([`GET ${SERVICE}?wsdl`]);
    // Without the option the client goes to <webTicketUrl>/Pin as before.
    const plain = new WebTicketClient({ credentials: pin, clock: now, fetch: f });
    await plain.getTicket('https://pool0.example.com/a', SERVICE);
    expect(seen.at(-1)).toBe(`POST ${SERVICE}/Pin`);
  });
});
