/** What the suite talks to: an MS-OCAUTHWS pool (real, or the embedded reference server). */
export interface Target {
  /** Pool base URL, e.g. https://pool0.contoso.com (the services are on the standard paths below it). */
  url: string;
  /** PEM CA certificate(s) to trust for HTTPS (and the issuer of users' certificates); undefined: system store. */
  trust?: string;
  /** The test user's SIP URI. */
  user: string;
  /** Pin binding identity (phone number / extension); defaults to the SIP URI. */
  phone?: string;
  pin?: string;
  password?: string;
  /** A user known to be disabled (for the 28000-range checks), when the operator has one. */
  disabledUser?: { sipUri: string; phone?: string; pin?: string };
  /** A SIP registrar credential the pool's broker trusts (TLS-DSK handshake checks); without it they are manual. */
  registrar?: { certificatePem: string; privateKeyPem: string };
  /** True for the embedded reference server (checks that need server-side knowledge may run). */
  embedded?: boolean;
}
