// MS-OCAUTHWS section 4 examples: the printed messages parse, and the target answers with responses of the same shape.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseRequestSecurityToken } from '@ocauth/wstrust';
import { parseGetAndPublishCertRequest, parseGetAndPublishCertResponse } from '@ocauth/certprov';
import { parseAuthBrokerRequest, parseAuthBrokerResponse } from '@ocauth/authbroker';
import { expectThat, manual } from '../context.js';
import type { Requirement } from '../requirements.js';
import { dom, firstRstr, show, specExample, brokerTranscript } from './common.js';

export const EXAMPLE_SHAPE_CHECKS: readonly Requirement[] = [
  {
    id: 'EX-4.2-01',
    section: '4.2',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.2.4.1.3.4-01', 'OCAUTH-3.2.4.1.3.4-02'],
    text: '4.2.1 IssueToken request: the example RST is accepted (credentials and AppliesTo of the target substituted); the response has the shape of 4.2.2',
    async check(ctx) {
      const req = specExample('4.2-issue-token-request.xml');
      const exRsp = firstRstr({ status: 200, headers: new Headers(), text: specExample('4.2-issue-token-response.xml') });
      const body = /<(\w+:)?RequestSecurityToken\b[\s\S]*<\/\1?RequestSecurityToken>/.exec(req)?.[0];
      expectThat(body, '4.2.1: expected a wst:RequestSecurityToken in the example');
      const exRst = parseRequestSecurityToken(dom(body).documentElement as never);
      const context = randomUUID();
      const entropy = randomBytes(Math.max(16, exRst.Entropy.length));
      let rst = body
        .replace(exRst.Context, context)
        .replace(/(<(?:\w+:)?Address>)[^<]*/, `$1${ctx.paths.certProv}`)
        .replace(Buffer.from(exRst.Entropy).toString('base64'), entropy.toString('base64'));
      rst = rst.replace(/(<(?:\w+:)?Value>)[^<]*(<\/(?:\w+:)?Value>)/, `$1${ctx.requireUser()}$2`);
      const r = await ctx.issueRaw(rst);
      expectThat(r.status === 200, `example RST: expected 200, received ${show(r)}`);
      const got = firstRstr(r);
      expectThat(
        got.Context === context && got.TokenType === exRsp.TokenType && got.ComputedKey === exRsp.ComputedKey,
        `response shape differs from 4.2.2 (Context/TokenType/ComputedKey): ${got.TokenType} ${got.ComputedKey}`,
      );
    },
  },
  {
    id: 'EX-4.1-01',
    section: '4.1',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.1.4.1.2.3-01', 'OCAUTH-3.1.4.1.2.4-01'],
    text: "4.1 GetAndPublishCert: the example request and response parse; a request of the example's shape (MS-WCCE name-value pairs in the CSR) is answered with a response of the example's shape",
    async check(ctx) {
      const exReq = parseGetAndPublishCertRequest(specExample('4.1-get-and-publish-cert-request.xml'));
      const exRsp = parseGetAndPublishCertResponse(specExample('4.1-get-and-publish-cert-response.xml'));
      expectThat(exRsp.dispositionMessage === 'Issued' && exReq.deviceId === exRsp.deviceId, 'example 4.1: DispositionMessage Issued and DeviceId echoed');
      const c = await ctx.certificate(); // our request carries validityPeriod=Months / ValidityPeriodUnits=6 like the example CSR
      const got = parseGetAndPublishCertResponse(c.rawResponse);
      expectThat(
        got.responseClass === exRsp.responseClass && got.dispositionMessage === exRsp.dispositionMessage && got.deviceId === c.deviceId,
        `response: expected ResponseClass ${exRsp.responseClass}, Issued, DeviceId echoed; received ${got.responseClass} ${got.dispositionMessage} ${got.deviceId}`,
      );
    },
  },
  ...(
    [
      '4.3-create-auth-broker-session',
      '4.4-terminate-auth-broker-session',
      '4.5-auth-broker-acquire-credential',
      '4.6-auth-broker-negotiate-security-association',
    ] as const
  ).map(
    (n): Requirement => ({
      id: `EX-${n.slice(0, 3)}-01`,
      section: n.slice(0, 3),
      level: 'MUST',
      category: 'example',
      enforces: ['OCAUTH-3.3.4-01'],
      text: `${n.slice(0, 3)} example: request and response parse with the Authentication Broker parsers; the target accepts a request of the same operation and answers with a response carrying the same fields as the example's`,
      async check(ctx) {
        const req = parseAuthBrokerRequest(specExample(`${n}-request.xml`));
        const exRsp = parseAuthBrokerResponse(specExample(`${n}-response.xml`), req.operation as never);
        const fields = (o: object) =>
          Object.entries(o)
            .filter(([, v]) => v !== undefined)
            .map(([k]) => k)
            .sort()
            .join(',');
        const live = (await brokerTranscript(ctx)).filter((x) => x.operation === req.operation);
        if (live.length === 0) manual(`${req.operation}: not exchanged with this target (the final TLS-DSK leg needs the SIP registrar)`);
        const want = fields(exRsp.body as object);
        expectThat(
          live.some((x) => fields(x.response) === want),
          `${req.operation} response fields: expected {${want}} as in the example, received ${live.map((x) => `{${fields(x.response)}}`).join(' ')}`,
        );
        return `${req.operation}: {${want}}`;
      },
    }),
  ),
];
