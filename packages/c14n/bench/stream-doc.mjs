// The benchmark documents of issue #20: SOAP envelopes of a given size whose records carry comments,
// CDATA sections, character references, non-ASCII text and attribute values, `xmlns=""`
// undeclarations, prefixes re-declared on many elements and attributes in several namespaces.
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const TS = `<u:Timestamp u:Id="_0"><u:Created>2026-11-23T08:00:00.000Z</u:Created><u:Expires>2026-11-23T08:05:00.000Z</u:Expires></u:Timestamp>`;

export function envelope(body) {
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="${WSU}">` +
    `<s:Header><a:Action s:mustUnderstand="1">http://tempuri.org/IService/Op</a:Action><a:MessageID>urn:uuid:7e62744e-bb8b-4f79-a4c8-623c866adf8c</a:MessageID>` +
    `<o:Security s:mustUnderstand="1" xmlns:o="${WSSE}">${TS}</o:Security></s:Header>` +
    `<s:Body u:Id="_1">${body}</s:Body></s:Envelope>\n`
  );
}

export function record(i) {
  return (
    `<m:Item xmlns:m="http://tempuri.org/model" xmlns:x="urn:x-ext" xmlns:y="http://tempuri.org/y" m:id="${i}" x:rev="${i % 7}" y:lang="fr" kind="usér" note="a &amp; b &lt; c &#x263A;">` +
    `<m:Name>Usér ${i} &amp; Co — naïve café &#169; &#x1F600;</m:Name>` +
    `<m:Uri xmlns:m="http://tempuri.org/model">sip:user${i}@example.com</m:Uri>` +
    `<Flags xmlns="http://tempuri.org/flags" enabled="true" y:on="1"><Plain xmlns="" x:k="v">x</Plain><![CDATA[<raw & data>]]></Flags>` +
    `<!-- c ${i} é --><x:Ext xmlns:x="urn:x-ext" x:a="1" y:b="2">日本語 text &gt; more</x:Ext></m:Item>`
  );
}

/** An envelope of about `bytes` UTF-16 units. */
export function richSoapOfSize(bytes) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = record(i);
    parts.push(s);
    size += s.length;
  }
  return envelope(`<m:List xmlns:m="http://tempuri.org/model">${parts.join('')}</m:List>`);
}

/** Issue #2's 1 MB document (fewer namespaces: one declaration and one default per record). */
export function plainSoapOfSize(bytes) {
  const item = (i) =>
    `<m:Item xmlns:m="http://tempuri.org/model" m:id="${i}" kind="user" note="a &amp; b &lt; c"><m:Name>User ${i} &amp; Co</m:Name>` +
    `<m:Uri>sip:user${i}@example.com</m:Uri><m:Flags xmlns="http://tempuri.org/flags" enabled="true">x</m:Flags><!-- c ${i} --></m:Item>`;
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = item(i);
    parts.push(s);
    size += s.length;
  }
  return envelope(`<m:List xmlns:m="http://tempuri.org/model">${parts.join('')}</m:List>`);
}

/** A document whose weight is in base64 blobs (certificates, CSRs, TLS flights). */
export function blobSoapOfSize(bytes) {
  const blob = (i) => Buffer.from(Array.from({ length: 2250 }, (_, k) => (i * 131 + k * 7) & 0xff)).toString('base64');
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `<b:Blob xmlns:b="http://tempuri.org/blob" b:n="${i}" type="x509">${blob(i)}</b:Blob>`;
    parts.push(s);
    size += s.length;
  }
  return envelope(`<b:Blobs xmlns:b="http://tempuri.org/blob">${parts.join('')}</b:Blobs>`);
}
