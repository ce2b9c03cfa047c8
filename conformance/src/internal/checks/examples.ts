// MS-OCAUTHWS section 4 examples sent to the target as the spec prints them, with only what must
// differ substituted (each substitution listed beside the check), and the answers compared structurally
// with the spec's: every element path of the printed response (namespace + local name) must be present.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { signMessage } from '@ocauth/wstrust';
import { CheckFailed, expectThat, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';

const here = dirname(fileURLToPath(import.meta.url));
function example(name: string): string {
  for (const d of [join(here, '../../../../vectors/spec'), join(here, '../../../vectors/spec'), join(process.cwd(), 'vectors/spec')]) if (existsSync(join(d, name))) return readFileSync(join(d, name), 'utf8');
  throw new CheckFailed(`spec example ${name}: expected it in vectors/spec next to the package, found none (a broken installation, not a verdict on the target)`);
}
function parse(xml: string, what: string): Document {
  try {
    return new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch (e) {
    throw new CheckFailed(`${what}: expected well-formed XML, received ${xml.length} bytes that do not parse (${(e as Error).message.slice(0, 100)})`);
  }
}
/** Element paths ({ns}local/{ns}local/…) of a document, as a set. */
export function elementPaths(d: Document): Set<string> {
  const out = new Set<string>();
  const walk = (e: Element, prefix: string) => {
    const p = `${prefix}/{${e.namespaceURI ?? ''}}${e.localName}`;
    out.add(p);
    for (const c of Array.from(e.childNodes)) if (c.nodeType === 1) walk(c as unknown as Element, p);
  };
  if (d.documentElement) walk(d.documentElement as unknown as Element, '');
  return out;
}

export const EXAMPLE_REPLAY_CHECKS: Requirement[] = [
  {
    id: 'EX-4.1-02', section: '4.1', level: 'MUST', category: 'example', enforces: ['OCAUTH-3.1.4.1-03', 'OCAUTH-3.1.4.1.2.4-01'],
    text: '4.1.1 GetAndPublishCert request sent as printed (its PKCS#10, DeviceId and RequestID unchanged) is answered with a response of the structure of 4.1.2. Substituted: the To address (this pool), Entity (the test user, bound to the ticket), and a wsse:Security header (ticket, Timestamp, proof-of-possession signature) added',
    async check(ctx) {
      const printed = example('4.1-get-and-publish-cert-request.xml');
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const subs: [RegExp, string][] = [
        [/(<To\b[^>]*>)[^<]*(<\/To>)/, `$1${ctx.paths.certProv}$2`],
        [/(<GetAndPublishCert\b[^>]*\bEntity=")[^"]*(")/, `$1${user}$2`],
      ];
      let req = printed;
      for (const [re, to] of subs) {
        expectThat(re.test(req), `4.1.1: expected ${re} in the printed request`);
        req = req.replace(re, to);
      }
      const t = await ctx.ticket();
      const signed = signMessage({ envelope: req, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() });
      // Everything but the three substitutions and the added header is the printed text, byte for byte.
      expectThat(signed.includes(req.slice(req.indexOf('<s:Body'))), '4.1.1: expected the printed s:Body (Entity substituted) to be sent byte for byte');
      const r = await ctx.post(ctx.paths.certProv, signed, { soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' });
      expectThat(r.status === 200, `4.1.1 as printed: expected HTTP 200, received ${r.status} ${r.text.slice(0, 200)}`);
      const got = parse(r.text, 'GetAndPublishCertResponse');
      const want = parse(example('4.1-get-and-publish-cert-response.xml'), '4.1.2');
      const have = elementPaths(got);
      const missing = [...elementPaths(want)].filter((p) => !have.has(p));
      expectThat(missing.length === 0, `response: expected every element of 4.1.2, missing ${missing.map((p) => p.replace(/\{[^}]*\}/g, '')).join(', ')}`);
      const resp = got.getElementsByTagNameNS('http://schemas.microsoft.com/OCS/AuthWebServices/', 'GetAndPublishCertResponse')[0] as unknown as Element;
      const printedDevice = /DeviceId="([^"]+)"/.exec(printed)![1];
      expectThat(resp.getAttribute('DeviceId') === printedDevice && resp.getAttribute('Entity')?.toLowerCase() === user.toLowerCase(), `response: expected DeviceId ${printedDevice} and Entity ${user} echoed, received ${resp.getAttribute('DeviceId')} ${resp.getAttribute('Entity')}`);
      const disp = /<(?:\w+:)?DispositionMessage\b[^>]*>([^<]*)</.exec(r.text)?.[1];
      expectThat(disp === 'Issued', `response: expected DispositionMessage Issued as in 4.1.2, received ${disp ?? 'none'}`);
      return `${elementPaths(want).size} element paths of 4.1.2 present; substituted To, Entity, wsse:Security`;
    },
  },
];
