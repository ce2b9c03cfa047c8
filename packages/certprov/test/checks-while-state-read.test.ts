// The checks that need no user (DeviceId, CSR, validity) run while a ticket verifier reads its state after the
// proof verified (TicketVerifier.verify's onProven, issue 20): never for a ticket that did not verify, each
// once, refused in the pipeline's order after authentication.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildGetAndPublishCertRequest,
  CertificateAuthority,
  createCertProvHandler,
  generateCsr,
  type GetAndPublishCertError,
  MemoryCertificateStore,
  parseGetAndPublishCertResponse,
  type CertProvHandlerOptions,
} from '@ocauth/certprov';

const now = new Date('2026-01-01T00:00:00Z');
const ca = CertificateAuthority.create({ clock: () => now, keySizeBits: 1024 });
const key = generateKeyPairSync('rsa', { modulusLength: 1024 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Phase = 'before' | 'reading state' | 'verified';
/**
 * A handler whose verifier proves the ticket, calls onProven (when `callsOnProven`), "reads its state" for 20 ms,
 * then accepts or refuses; and a record of the verifier's phase each time the CSR check runs (it reads
 * `options.testFaults` on every call).
 */
function setup(o: { callsOnProven: boolean; refuse?: 'before proof' | 'after proof' }) {
  let phase: Phase = 'before';
  const csrChecks: Phase[] = [];
  const options = {
    ticketVerifier: {
      async verify(_xml: string, parsed?: { onProven?: () => void }) {
        if (o.refuse === 'before proof') throw Object.assign(new Error('bad signature'), { errorId: 28032, httpStatus: 401 });
        phase = 'reading state';
        if (o.callsOnProven) parsed?.onProven?.();
        await sleep(20);
        phase = 'verified';
        if (o.refuse === 'after proof') throw Object.assign(new Error('replay'), { errorId: 28032, httpStatus: 401 });
        return { sipUri: 'sip:alice@contoso.com' };
      },
    },
    ca,
    store: new MemoryCertificateStore(),
    clock: () => now,
    userDirectory: { findUser: async () => ({ enabled: true }) },
  } as CertProvHandlerOptions;
  Object.defineProperty(options, 'testFaults', {
    get() {
      csrChecks.push(phase);
      return {};
    },
  });
  return { handler: createCertProvHandler(options), csrChecks };
}
const DEVICE = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const request = (csr?: Uint8Array, deviceId = DEVICE) =>
  new Request('http://127.0.0.1/CertProv/CertProvisioningService.svc', {
    method: 'POST',
    body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${buildGetAndPublishCertRequest({
      deviceId: DEVICE,
      entity: 'alice@contoso.com',
      csr: csr ?? generateCsr({ sipUri: 'alice@contoso.com', keyPair: key }).der,
      requestId: 'r1',
    }).replace(DEVICE, deviceId)}</s:Body></s:Envelope>`,
    headers: { SOAPAction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' },
  });
async function code(res: Response): Promise<string | undefined> {
  try {
    parseGetAndPublishCertResponse(await res.text());
    return 'Success';
  } catch (e) {
    return (e as GetAndPublishCertError).responseCode;
  }
}
const brokenCsr = () => {
  const der = Buffer.from(generateCsr({ sipUri: 'alice@contoso.com', keyPair: key }).der);
  der[der.length - 5] = der[der.length - 5]! ^ 0xff; // the self-signature no longer verifies
  return der;
};

describe('CertProv: the request checks that need no user', () => {
  it('run once, while the verifier reads its state, when it says the proof verified', async () => {
    const s = setup({ callsOnProven: true });
    expect(await code(await s.handler(request()))).toBe('Success');
    expect(s.csrChecks).toEqual(['reading state']); // red when they wait for the verdict
  });

  it('run once after the verdict with a verifier that never calls onProven', async () => {
    const s = setup({ callsOnProven: false });
    expect(await code(await s.handler(request()))).toBe('Success');
    expect(s.csrChecks).toEqual(['verified']);
  });

  it('never run for a ticket refused before its proof verified', async () => {
    const s = setup({ callsOnProven: true, refuse: 'before proof' });
    expect((await s.handler(request(brokenCsr()))).status).toBe(401);
    await sleep(10);
    expect(s.csrChecks).toEqual([]);
  });

  it('a refusal found early is answered only after authentication, which refuses first', async () => {
    const refused = setup({ callsOnProven: true, refuse: 'after proof' });
    expect((await refused.handler(request(brokenCsr()))).status).toBe(401); // the ticket's refusal, not InvalidCSR
    const accepted = setup({ callsOnProven: true });
    expect(await code(await accepted.handler(request(brokenCsr())))).toBe('InvalidCSR');
    expect(accepted.csrChecks).toEqual(['reading state']);
  });

  it('keeps the order of the steps: an unusable DeviceId is answered before a broken CSR', async () => {
    const s = setup({ callsOnProven: true });
    expect(await code(await s.handler(request(brokenCsr(), ` ${DEVICE}`)))).toBe('InvalidDeviceId');
  });
});
