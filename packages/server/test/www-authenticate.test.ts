// The node adapter writes each WWW-Authenticate challenge on its own header line (Fetch Headers join
// repeated fields with ", "; SIPE matches a scheme by the prefix of each header value).
import { describe, expect, it } from 'vitest';
import { splitChallenges } from '../src/internal/node-adapter.js';

describe('splitChallenges (RFC 9110 11.6.1 challenge lists)', () => {
  it.each([
    ['Negotiate, NTLM', ['Negotiate', 'NTLM']],
    ['Negotiate, NTLM, Bearer', ['Negotiate', 'NTLM', 'Bearer']],
    ['NTLM TlRMTVNTUAACAAAA==, Negotiate', ['NTLM TlRMTVNTUAACAAAA==', 'Negotiate']],
    ['Basic realm="a, b", NTLM', ['Basic realm="a, b"', 'NTLM']],
    ['Bearer realm="x", error="invalid_token", Negotiate', ['Bearer realm="x", error="invalid_token"', 'Negotiate']],
    ['Digest realm="r", qop="auth, auth-int", nonce="n"', ['Digest realm="r", qop="auth, auth-int", nonce="n"']],
    ['Basic realm="quote \\" and, comma", NTLM', ['Basic realm="quote \\" and, comma"', 'NTLM']],
    ['TLS-DSK realm="SIP Communications Service", targetname="x", version=4', ['TLS-DSK realm="SIP Communications Service", targetname="x", version=4']],
    ['Negotiate', ['Negotiate']],
    [' , NTLM ,', ['NTLM']],
  ])('%s', (v, want) => expect(splitChallenges(v)).toEqual(want));
});
