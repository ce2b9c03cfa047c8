// MS-OCAUTHWS 3.1.4.1.5.2 Entity: the authenticated user's SIP URI without "sip:"; the user must be provisioned and enabled.
import type { CertProvUserDirectory } from '../handler-options.js';
import { Refusal } from './respond.js';

/**
 * The Entity is the ticket's SIP URI (InvalidSipUri otherwise) of a provisioned (UserImproperlyProvisioned),
 * enabled (AccountDisabled) user. Returns the subject of the certificate: the user as the directory spells
 * its SIP URI (else as the ticket does), never as the client spelled the Entity.
 */
export async function checkEntity(entity: string, ticketSipUri: string, directory: CertProvUserDirectory | undefined): Promise<string> {
  // ASCII case folding only: String#toLowerCase folds look-alikes (U+212A KELVIN SIGN → k).
  const fold = (x: string) => x.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  const ticketEntity = ticketSipUri.replace(/^sip:/i, '');
  if (fold(entity) !== fold(ticketEntity)) throw new Refusal('InvalidSipUri', `Entity: expected the ticket's SIP URI ${ticketEntity}, received ${entity}`);
  if (!directory) return ticketEntity;
  const user = await directory.findUser(`sip:${entity}`);
  if (!user) throw new Refusal('UserImproperlyProvisioned', `Entity: expected a provisioned user, received ${entity}`);
  if (!user.enabled) throw new Refusal('AccountDisabled', `Entity: the account of ${entity} is disabled`);
  return typeof user.sipUri === 'string' && user.sipUri ? user.sipUri.replace(/^sip:/i, '') : ticketEntity;
}
