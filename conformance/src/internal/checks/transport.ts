// MS-OCAUTHWS 2 (messages and transport): the statements of section 2 that the suite judges or marks client-only.
import type { Requirement } from '../requirements.js';
import { clientSide } from './common.js';

export const SECTION_2_CHECKS: readonly Requirement[] = [
  clientSide(
    'OCAUTH-2.2.4-01',
    '2.2.4',
    'MUST',
    'af:BindingType WS-Policy assertion that the protocol client can communicate with the associated port. The absence of this assertion means that the client MUST NOT communicate with the associated WSDL port.',
    'the @ocauth/wstrust client binds to the Pin/Auth/Cert/WinNegotiate ports it is configured for',
  ),
];
