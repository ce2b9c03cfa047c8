// Compile-time check that @ocauth/wstrust's ticket verifier fits createAuthBrokerHandler as is.
import type { TicketVerifier } from '@ocauth/wstrust';
import type { AuthBrokerTicketVerifier } from './options.js';

/**
 * Compile-time guarantee (checked by every build): @ocauth/wstrust's `createTicketVerifier(...)` is an
 * AuthBrokerTicketVerifier, so it can be passed to createAuthBrokerHandler as is — no wrapper, and the
 * handler's parsed Document reaches it (`verify(envelope, { document })`). Not part of the public API.
 */
export const wstrustTicketVerifierFits = (v: TicketVerifier): AuthBrokerTicketVerifier => v;
