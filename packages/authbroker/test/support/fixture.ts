import {
  AuthBrokerClient,
  createAuthBrokerHandler,
  type AuthBrokerHandlerOptions,
  type CredentialSource,
  TlsDskRegistrarPeer,
  type TlsDskProtocol,
} from '@ocauth/authbroker';
import { testPki } from './pki.js';
import { issueTicket, testTicketVerifier } from './tickets.js';

export const pki = testPki();
export const TARGET = 'sip.contoso.test';
export const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';

export function credentialsFor(map: Record<string, { certificate: string; privateKey: string } | null>, calls: string[] = []): CredentialSource {
  return {
    async acquire({ sipUri, sipInstance }) {
      calls.push(`${sipUri} ${sipInstance}`);
      const c = map[sipUri];
      if (c === undefined) throw new Error('no such user');
      return c;
    },
  };
}

export function makeBroker(extra: Partial<AuthBrokerHandlerOptions> = {}) {
  let t = Date.now();
  const clock = () => new Date(t);
  const calls: string[] = [];
  const handler = createAuthBrokerHandler({
    ticketVerifier: testTicketVerifier(clock),
    credentialSource: credentialsFor(
      {
        'sip:user1@contoso.test': pki.user,
        'sip:user2@contoso.test': pki.user2,
        'sip:rogue@contoso.test': pki.rogueUser,
        'sip:expired@contoso.test': pki.expiredUser,
        'sip:nocert@contoso.test': null,
      },
      calls,
    ),
    clock,
    registrarTrust: { trustedCertificates: [pki.serverCa.certificate] },
    webTicketUrl: 'https://pool.contoso.test/WebTicket/WebTicketService.svc',
    ...extra,
  });
  const client = (sipUri = 'sip:user1@contoso.test', url = 'https://pool.contoso.test/Reach/Sip.svc/AuthBroker') =>
    new AuthBrokerClient({
      url,
      webTicket: () => issueTicket(sipUri, new Date(t + 8 * 3600_000)),
      clock,
      fetch: async (u, init) => handler(new Request(u as string, init)),
    });
  return { handler, client, clock, advance: (ms: number) => (t += ms), calls };
}

export function registrar(protocol: TlsDskProtocol = 'TLSv1') {
  return new TlsDskRegistrarPeer({ credential: pki.registrar, trustedClientCertificates: [pki.userCa.certificate], protocol });
}
