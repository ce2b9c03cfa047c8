// MS-OCAUTHWS 3.1 Certificate Provisioning Service: GetAndPublishCert requests, responses, ErrorInfo, DeviceId and Entity.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import type { Document } from '@xmldom/xmldom';
import { WebTicketClient } from '@ocauth/wstrust';
import { generateCsr, parseGetAndPublishCertRequest, parseGetAndPublishCertResponse, requestCertificate } from '@ocauth/certprov';
import { certificateSubjectKeyIdentifier as subjectKeyIdentifier } from '@ocauth/diagnostics';
import { CheckFailed, expectThat, manual } from '../context.js';
import { createHttpsFetch } from '@ocauth/server';
import type { Requirement } from '../requirements.js';
import {
  NS_WST,
  NS_WSSE,
  NS_WSTEP,
  X509V3,
  B64,
  els,
  one,
  text,
  dom,
  issued,
  show,
  certProvEnvelope,
  csrFor,
  signed,
  postCertProv,
  certProvAnswer,
  certProvAnswerCert,
  issuedBy,
  expectErrorInfo,
  stillUp,
  clientSide,
} from './common.js';

export const CERT_PROV_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-3.1.1-01',
    section: '3.1.1',
    level: 'MUST',
    text: 'Trusted Certificate Authorities: ... This list MUST have sufficient data that the certificates (2) in the chain can be located.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = certProvAnswer(c.rawResponse);
      const leaf = resp.certificate;
      expectThat(leaf, 'GetAndPublishCertResponse: expected the issued certificate');
      const aia = leaf.infoAccess ?? '';
      const inResponse = resp.chain();
      const declared = (ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p));
      const verifies = (x: X509Certificate) => issuedBy(leaf, x);
      if (inResponse.some(verifies)) return `issuer in the response's PKCS#7 chain (${inResponse.length} certificates)`;
      if (/CA Issuers - URI:/.test(aia)) return `issuer located by AIA caIssuers (${/CA Issuers - URI:(\S+)/.exec(aia)?.[1]})`;
      if (declared.some(verifies)) return 'issuer located in the declared issuer CA list (--issuer-ca) and its signature verifies';
      // The reference server promises its chain in the response; a pool's clients may get it out of band.
      if (!declared.length && ctx.target.embedded)
        throw new CheckFailed(
          `issued certificate: its issuer ${leaf.issuer.replace(/\n/g, ',')} is neither in the response's PKCS#7 chain nor named by AIA caIssuers`,
        );
      if (!declared.length) manual(`issuer ${leaf.issuer.replace(/\n/g, ',')} is neither in the response nor named by AIA; give --issuer-ca FILE to check it`);
      throw new CheckFailed(
        `issued certificate: its issuer ${leaf.issuer.replace(/\n/g, ',')} is not in the response, not named by AIA caIssuers, and no declared issuer CA verifies its signature`,
      );
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-01',
    section: '3.1.4.1',
    level: 'MUST',
    text: 'If an error occurs during processing, an error response MUST be sent using the ErrorInfo element in GetAndPublishCertResponse',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-02',
    section: '3.1.4.1',
    level: 'SHOULD',
    text: 'SOAP faults SHOULD NOT be used for error reporting.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: Buffer.from('not a certification request') });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(!/<(?:[\w-]+:)?Fault\b/.test(r.text), `bad CSR: expected ErrorInfo, received a SOAP fault (${show(r)})`);
      expectErrorInfo(r, 'bad CSR', ['InvalidCSR']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-01',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    text: '/wst:RequestedSecurityToken/wst:RequestType MUST be "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue".',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace('200512/Issue', '200512/Renew') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'RequestType Renew', ['RequestMalformed']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-02',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    text: '/wst:RequestedSecurityToken/wst:TokenType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, {
        requestBody: (b) => b.replace(/<TokenType>[^<]*<\/TokenType>/, '<TokenType>urn:example:bogus</TokenType>'),
      });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'TokenType bogus', ['RequestMalformed']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-03',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    text: '/wst:RequestedSecurityToken/wsse:BinarySecurityToken MUST contain a PKCS#10 Certification Signing Request (CSR) ... encoded with base64 encoding',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const good = await csrFor(user);
      const der = Buffer.from(good.der);
      der[der.length - 5]! ^= 0xff; // break the CSR's self-signature
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: der });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR with a bad signature', ['InvalidCSR']);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-04',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    text: '/wst:RequestedSecurityToken/wsBinarySecurityToken/@EncodingType MUST be "...#base64binary". The .../@ValueType attribute MUST be "http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10".',
    async check(ctx) {
      // The MUST constrains the request: a conforming one (ours) is accepted; a non-conforming one is noted, not failed.
      const c = await ctx.certificate();
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      expectThat(
        req.csrDer.length > 0 && /EncodingType="[^"]*#base64binary"/.test(c.rawRequest) && c.rawRequest.includes('AuthWebServices.xsd#PKCS10'),
        'conforming request: expected it to be accepted',
      );
      // What a server can do about the MUST: not take a token of another ValueType for a PKCS#10.
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace('AuthWebServices.xsd#PKCS10', 'AuthWebServices.xsd#PKCS7') });
      const code = expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'BinarySecurityToken/@ValueType #PKCS7', [
        'RequestMalformed',
        'InvalidCSR',
      ]);
      const hex = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/(EncodingType="[^"]*#)base64binary"/i, '$1HexBinary"') });
      expectThat(/#HexBinary"/.test(hex.unsigned), 'request: expected to set EncodingType …#HexBinary');
      const code2 = expectErrorInfo(await postCertProv(ctx, await signed(ctx, hex.unsigned)), 'BinarySecurityToken/@EncodingType #HexBinary', [
        'RequestMalformed',
        'InvalidCSR',
      ]);
      return `ValueType #PKCS7 refused: ${code}; EncodingType #HexBinary refused: ${code2}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-05',
    section: '3.1.4.1.2.3',
    level: 'SHOULD',
    text: 'The server SHOULD be able to process ValidityPeriod and ValidityPeriodUnits, as specified in [MS-WCCE] section 3.1.1.4.3.1.1.',
    async check(ctx) {
      // 14 days: unlike 6 months or 4320 hours, no server's default; an ignored request shows.
      const got = await requestCertificate({
        url: ctx.paths.certProv,
        sipUri: ctx.requireUser(),
        ticket: await ctx.freshTicket(),
        keySizeBits: 1024,
        validity: { period: 'Days', units: 14 },
        fetch: ctx.fetch,
      });
      const x = certProvAnswerCert(got.certificatePem);
      const hours = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 3600_000;
      expectThat(hours > 0 && hours <= 14 * 24 + 1, `requested 14 Days: expected a validity of at most 336 h, received ${hours.toFixed(0)} h`);
      return `validity ${hours.toFixed(0)} h for 14 Days requested`;
    },
  },
  ...(
    [
      [
        '01',
        'MUST',
        '/wst:RequestSecurityTokenResponse/wstep:DispositionMessage MUST be "Issued".',
        (d: Document) => {
          const e = one(d, NS_WSTEP, 'DispositionMessage', 'wstep:DispositionMessage');
          expectThat(text(e) === 'Issued', `DispositionMessage: expected Issued, received ${text(e)}`);
        },
      ],
      [
        '02',
        'MUST',
        '/wst:RequestSecurityTokenResponse /wstep:DispositionMessage/@lang attribute MUST be "en-US".',
        (d: Document) => {
          const e = one(d, NS_WSTEP, 'DispositionMessage', 'wstep:DispositionMessage');
          const l = e.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang') || e.getAttribute('lang');
          expectThat(l === 'en-US', `DispositionMessage/@lang: expected en-US, received ${l}`);
        },
      ],
      [
        '03',
        'MUST',
        '/wst:RequestSecurityTokenResponse/wst:TokenType MUST be "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3".',
        (d: Document) => {
          const r = one(d, NS_WST, 'RequestSecurityTokenResponse', 'wst:RSTR');
          const t = els(r, NS_WST, 'TokenType')[0];
          expectThat(t && text(t) === X509V3, `wst:TokenType: expected ${X509V3}, received ${t ? text(t) : 'none'}`);
        },
      ],
      [
        '04',
        'MUST',
        '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken MUST contain BinarySecurityToken, which MUST contain the X.509 v3 certificate (2) using base64 encoding.',
        (d: Document) => {
          const r = one(d, NS_WST, 'RequestedSecurityToken', 'wst:RequestedSecurityToken');
          const b = one(r, NS_WSSE, 'BinarySecurityToken', 'RequestedSecurityToken/wsse:BinarySecurityToken');
          const x = new X509Certificate(Buffer.from(text(b), 'base64'));
          expectThat(x.subject.length > 0, 'certificate parses');
        },
      ],
      [
        '07',
        'MUST',
        '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@ValueType MUST be "...x509-token-profile-1.0#X509v3".',
        (d: Document) => {
          const b = one(one(d, NS_WST, 'RequestedSecurityToken', 'RST'), NS_WSSE, 'BinarySecurityToken', 'BST');
          expectThat(b.getAttribute('ValueType') === X509V3, `@ValueType: expected ${X509V3}, received ${b.getAttribute('ValueType')}`);
        },
      ],
      [
        '08',
        'MUST',
        '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/wsse:BinarySecurityToken/@EncodingType MUST be "...wssecurity-secext-1.0.xsd#base64binary".',
        (d: Document) => {
          const b = one(one(d, NS_WST, 'RequestedSecurityToken', 'RST'), NS_WSSE, 'BinarySecurityToken', 'BST');
          expectThat(b.getAttribute('EncodingType') === B64, `@EncodingType: expected ${B64}, received ${b.getAttribute('EncodingType')}`);
        },
      ],
    ] as const
  ).map(
    ([n, level, t, f]): Requirement => ({
      id: `OCAUTH-3.1.4.1.2.4-${n}`,
      section: '3.1.4.1.2.4',
      level,
      text: t,
      async check(ctx) {
        const c = await ctx.certificate();
        f(dom(c.rawResponse));
      },
    }),
  ),
  {
    id: 'OCAUTH-3.1.4.1.2.4-05',
    section: '3.1.4.1.2.4',
    level: 'MUST',
    text: 'The Common Name of the Subject ... in the returned certificate (2) MUST have the same value as the Entity attribute in the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const entity = ctx.requireUser().replace(/^sip:/i, '');
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.certificate.subject)?.[1];
      expectThat(cn?.toLowerCase() === entity.toLowerCase(), `subject CN: expected ${entity}, received ${cn}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-06',
    section: '3.1.4.1.2.4',
    level: 'SHOULD',
    text: 'SubjectKeyIdentifier ... in the returned certificate (2) SHOULD contain the value of the DeviceId attribute in the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const ski = subjectKeyIdentifier(c.certificateDer);
      expectThat(
        ski && Buffer.from(ski).toString('latin1') === c.deviceId,
        `SKI: expected the ASCII of DeviceId ${c.deviceId}, received ${ski ? Buffer.from(ski).toString('hex') : 'none'}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-09',
    section: '3.1.4.1.2.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wsse:BinarySecurityToken MUST contain the BinarySecurityToken that came as part of the incoming request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = parseGetAndPublishCertResponse(c.rawResponse);
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      expectThat(
        resp.csrDer && Buffer.from(resp.csrDer).equals(Buffer.from(req.csrDer)),
        "RSTR/wsse:BinarySecurityToken: expected the request's PKCS#10 echoed byte for byte",
      );
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.2-01',
    section: '3.1.4.1.5.2',
    level: 'MUST',
    text: 'Entity ... MUST be same as the Session Initiation Protocol (SIP) Uniform Resource Identifier (URI) for the authenticated user ... without the "sip:" prefix.',
    async check(ctx) {
      const c = await ctx.certificate();
      const resp = parseGetAndPublishCertResponse(c.rawResponse);
      const entity = ctx.requireUser().replace(/^sip:/i, '');
      expectThat(resp.entity.toLowerCase() === entity.toLowerCase(), `response @Entity: expected ${entity}, received ${resp.entity}`);
      const other = ctx.target.otherUser?.replace(/^sip:/i, '');
      if (!other) manual("the Entity of another provisioned user (Target.otherUser) is needed to see the server hold Entity to the ticket's SIP URI");
      const { unsigned } = await certProvEnvelope(ctx, { entity: other, csrDer: (await csrFor(other)).der });
      return `another provisioned user's Entity: ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), `Entity ${other}`, ['InvalidSipUri'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.5.1-01',
    section: '3.1.4.1.5.1',
    level: 'MUST',
    text: 'DeviceId MUST be convertible to a GUID.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId']);
    },
  },
  {
    id: 'OCAUTH-3.1.1-02',
    section: '3.1.1',
    level: 'SHOULD',
    text: 'The server SHOULD keep the following states: Certificate Issuer: A proxy, with which the server can communicate with a CA, used for generating X.509 v3 certificates (2). Trusted Certificate Authorities: A list of CAs whose certificate chains are required to be trusted by the protocol clients in order for them to create Transport Layer Security (TLS) connections with the server.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.issuer !== c.certificate.subject, 'issued certificate: expected it to be issued by a CA, received a self-signed one');
      await stillUp(ctx); // a fresh TLS connection, validated against the trust given for the pool
      return `issuer ${c.certificate.issuer.replace(/\n/g, ',')}; TLS validated against ${ctx.target.ca ? 'the given CA bundle' : 'the system store'}`;
    },
  },
  {
    id: 'OCAUTH-3.1.3-01',
    section: '3.1.3',
    level: 'SHOULD',
    text: 'The CA that would be used for generating X.509 v3 certificates (2) SHOULD be initialized with at least one public key/private key pair, used for signing the certificates (2).',
    async check(ctx) {
      const c = await ctx.certificate();
      const issuers = [...certProvAnswer(c.rawResponse).chain(), ...(ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p))];
      const by = issuers.find((x) => issuedBy(c.certificate, x));
      if (!by) manual('the issuing CA certificate is neither in the response nor given to the runner (--issuer-ca FILE)');
      return `signature verifies with ${by.subject.replace(/\n/g, ',')}`;
    },
  },
  {
    id: 'OCAUTH-3.1.3-02',
    section: '3.1.3',
    level: 'SHOULD',
    text: 'The certificate (2) issuer proxy SHOULD be constructed and initialized, so that it can communicate with the CA.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.dispositionMessage === 'Issued', `GetAndPublishCert: expected Issued, received ${c.dispositionMessage}`);
      return 'a certificate was issued through it';
    },
  },
  {
    id: 'OCAUTH-3.1.3-03',
    section: '3.1.3',
    level: 'SHOULD',
    text: 'The Trusted Certificate Authorities list SHOULD be initialized.',
    async check(ctx) {
      // The list the server keeps is what it hands out with certificates (the PKCS#7 chain): a client
      // trusting only that list can open a TLS connection to the server.
      const chain = certProvAnswer((await ctx.certificate()).rawResponse).chain();
      if (chain.length === 0) manual("GetAndPublishCertResponse carries no CA chain: the server's trusted CA list is not observable");
      const f = createHttpsFetch({ ca: chain.map((x) => x.toString()).join('\n') });
      const r = await f(`${ctx.paths.webTicket}?wsdl`).then(
        (x) => x.arrayBuffer().then(() => x.status),
        (e: Error) => e,
      );
      expectThat(
        typeof r === 'number',
        `TLS to the pool trusting only the CAs of the GetAndPublishCert chain: expected it to validate, received ${(r as Error).message}`,
      );
      return `the pool's TLS chain validates against the ${chain.length} CA certificate(s) the server sends`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1-03',
    section: '3.1.4.1',
    level: 'MUST',
    text: 'GetAndPublishCert generates a X.509 v3 certificate (2) using the PKCS#10 certification request in the request, and then stores the certificate (2) in an implementation-specific manner, so that it can be used to verify client certificates (2) supplied during authentication.',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.checkPrivateKey(c.privateKey), "issued certificate: expected the public key of the request's PKCS#10");
      const t = await new WebTicketClient({
        credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey },
        fetch: ctx.fetch,
      }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      expectThat(t.assertionId, 'Cert binding: expected a ticket for the stored certificate');
      return 'the issued certificate authenticates at the Cert binding';
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.2-01',
    section: '3.1.4.1.2.2',
    level: 'MUST',
    text: 'ErrorInfo: This element contains information about the error that occurred. It MUST be an instance of the GetAndPublishCertErrorInfoType, as defined in section 3.1.4.1.3.3.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: Buffer.from('not a certification request') });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'bad CSR', ['InvalidCSR'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.3.3-01',
    section: '3.1.4.1.3.3',
    level: 'MUST',
    text: 'tns:ResponseCode: It MUST be an instance of a GetAndPublishCertResponseCodeType, as defined in section 3.1.4.1.4.1, and contains a code that describes the failure.',
    async check(ctx) {
      // Each refusal with the code whose 3.1.4.1.4.1 meaning fits it: membership of the enumeration is not enough.
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const cases: [string, Parameters<typeof certProvEnvelope>[1], string[]][] = [
        ['RequestType Renew', { requestBody: (b) => b.replace('200512/Issue', '200512/Renew') }, ['RequestMalformed']],
        ['not a PKCS#10', { csrDer: Buffer.from('not a certification request') }, ['InvalidCSR']],
        ['DeviceId not a GUID', { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') }, ['InvalidDeviceId']],
        [
          '512-bit key',
          { csrDer: generateCsr({ sipUri: user, keyPair: generateKeyPairSync('rsa', { modulusLength: 512 }), keySizeBits: 512 } as never).der },
          ['InvalidPublicKey'],
        ],
      ];
      const got: string[] = [];
      for (const [what, o, codes] of cases) {
        const { unsigned } = await certProvEnvelope(ctx, o);
        got.push(`${what}: ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), what, codes)}`);
      }
      return got.join('; ');
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.3.2-01',
    section: '3.1.4.1.3.2',
    level: 'MUST',
    text: 'DeviceId: ... This attribute contains the same value as the one contained in the DeviceId attribute of the client request. Entity: ... This attribute contains the same value as the one contained in Entity attribute of the client request.',
    async check(ctx) {
      const c = await ctx.certificate();
      const req = parseGetAndPublishCertRequest(c.rawRequest);
      const rsp = parseGetAndPublishCertResponse(c.rawResponse);
      expectThat(
        rsp.deviceId === req.deviceId && rsp.entity === req.entity,
        `response DeviceId/Entity: expected ${req.deviceId} ${req.entity}, received ${rsp.deviceId} ${rsp.entity}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-06',
    section: '3.1.4.1.2.3',
    level: 'MUST',
    text: 'For this protocol, this element MUST be a child of the GetAndPublishCert element',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, {
        requestBody: (b) => {
          const rst = /<RequestSecurityToken\b[\s\S]*<\/RequestSecurityToken>/.exec(b)![0];
          return b.replace(rst, '') + rst;
        },
      });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(!issued(r), `wst:RequestSecurityToken outside GetAndPublishCert: expected no certificate, received one (${show(r)})`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.3-07',
    section: '3.1.4.1.2.3',
    level: 'SHOULD',
    text: 'Any optional element or attribute not mentioned in this section SHOULD be ignored.',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const csr = await csrFor(user, 1024);
      const { unsigned } = await certProvEnvelope(ctx, {
        csrDer: csr.der,
        requestBody: (b) =>
          b
            .replace('<RequestType>', '<KeySize>1024</KeySize><Extra xmlns="urn:example:ignored" note="x">ignored</Extra><RequestType>')
            .replace('<TokenType>', '<TokenType xmlns:q="urn:example:ignored" q:hint="1">'),
      });
      const r = await postCertProv(ctx, await signed(ctx, unsigned));
      expectThat(issued(r), `unknown optional element/attribute: expected them ignored and a certificate issued, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.2.4-10',
    section: '3.1.4.1.2.4',
    level: 'MUST',
    text: 'In case of an error, this element MUST NOT be present in the GetAndPublishCertResponse.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx, { requestBody: (b) => b.replace(/DeviceId="[^"]*"/, 'DeviceId="not-a-guid"') });
      expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'DeviceId not a GUID', ['InvalidDeviceId']); // asserts no wst:RequestSecurityTokenResponse
    },
  },
  clientSide(
    'OCAUTH-3.1.4.1.2.4-11',
    '3.1.4.1.2.4',
    'SHOULD',
    'Any element or attribute not mentioned in this section SHOULD be ignored.',
    'the @ocauth/certprov response parser ignores them (its tests)',
  ),
  clientSide(
    'OCAUTH-3.1.4.1.5.1-02',
    '3.1.4.1.5.1',
    'MUST',
    'It MUST be unique for each device being used by the same user.',
    'the runner uses a fresh GUID per request',
  ),
  {
    id: 'OCAUTH-3.1.4.1.5.1-03',
    section: '3.1.4.1.5.1',
    level: 'MUST',
    text: 'DeviceId and the aforementioned identifier MUST be equal or it MUST be possible for the DeviceId to be generated using the identifier using a deterministic mathematical transformation. This transformation MUST be known to the certificate (2) verification engine.',
    async check(ctx) {
      const c = await ctx.certificate();
      const ski = subjectKeyIdentifier(c.certificateDer);
      if (!ski || Buffer.from(ski).toString('latin1') !== c.deviceId)
        manual('the certificate does not carry DeviceId as its SKI; the transformation is private to the pool');
      return 'DeviceId travels as the SKI of the issued certificate (ASCII), known to the verifier';
    },
  },
];
