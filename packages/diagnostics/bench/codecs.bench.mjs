// Codec throughput against same-run references:
// - parseMsDiagnostics (tolerant, validating) vs a bare regex split (what ad-hoc code does, no validation);
// - parseOcsDiagnosticsFault (guarded: DOCTYPE refusal, size/depth bounds, strict errors) vs an unguarded
//   xmldom parse + getElementsByTagNameNS lookup;
// - formatMsDiagnostics (field validation) vs a template literal.
import { DOMParser } from '@xmldom/xmldom';
import { buildOcsDiagnosticsFault, formatMsDiagnostics, parseMsDiagnostics, parseOcsDiagnosticsFault } from '../dist/index.js';

const header = '28032;source="pool0.contoso.com";reason="The Web ticket is invalid.";fault="wsse:InvalidSecurityToken"';
const fault = buildOcsDiagnosticsFault({ errorId: 28033, envelope: true });
const AF = 'urn:component:Microsoft.Rtc.WebAuthentication.2010';

function naiveHeader(h) {
  const [id, ...rest] = h.split(';');
  const out = { errorId: Number(id) };
  for (const p of rest) {
    const i = p.indexOf('=');
    out[p.slice(0, i).trim().toLowerCase()] = p
      .slice(i + 1)
      .trim()
      .replace(/^"|"$/g, '');
  }
  return out;
}
function naiveFault(x) {
  const d = new DOMParser().parseFromString(x, 'text/xml');
  return { errorId: Number(d.getElementsByTagNameNS(AF, 'ErrorId')[0].textContent), reason: d.getElementsByTagNameNS(AF, 'Reason')[0].textContent };
}

export default async function (h) {
  let sink = 0;
  const rows = [
    await h.compare({
      name: 'X-Ms-diagnostics parse',
      subject: () => {
        sink += parseMsDiagnostics(header).entries.length;
      },
      reference: () => {
        sink += naiveHeader(header).errorId;
      },
      referenceName: 'regex split (no validation)',
    }),
    await h.compare({
      name: 'OCSDiagnosticsFault parse (SOAP 1.1 envelope)',
      subject: () => {
        sink += parseOcsDiagnosticsFault(fault).ok ? 1 : 0;
      },
      reference: () => {
        sink += naiveFault(fault).errorId;
      },
      referenceName: 'unguarded xmldom parse',
    }),
    await h.compare({
      name: 'X-Ms-diagnostics format',
      subject: () => {
        sink += formatMsDiagnostics({
          errorId: 28032,
          source: 'pool0.contoso.com',
          reason: 'The Web ticket is invalid.',
          fault: 'wsse:InvalidSecurityToken',
        }).length;
      },
      reference: () => {
        sink += `${28032};source="${'pool0.contoso.com'}";reason="${'The Web ticket is invalid.'}";fault="${'wsse:InvalidSecurityToken'}"`.length;
      },
      referenceName: 'template literal (no validation)',
    }),
  ];
  if (sink === 0) throw new Error('benchmark produced nothing');
  return rows;
}
