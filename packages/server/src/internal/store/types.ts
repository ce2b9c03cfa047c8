// The server's persistent state behind one interface: the user directory the Web Ticket Service
// consults (wstrust UserDirectory), the certificates certprov publishes (CertificateStore, with
// revocations) and the Authentication Broker's session records (AuthBrokerSessionStore).
import type { UserDirectory } from '@ocauth/wstrust';
import type { CertificateStore } from '@ocauth/certprov';
import type { AuthBrokerSessionStore } from '@ocauth/authbroker';
import type { SecurityStore } from './security-tables.js';

/** A user to create or replace. PIN and password are stored as scrypt hashes. */
export interface UserSeed {
  /** `sip:user@domain`. */
  sipUri: string;
  enabled?: boolean;
  displayName?: string;
  /** Pin binding secret (identity = SIP URI, phone number or account). */
  pin?: string;
  /** Auth binding / HTTP Basic secret. */
  password?: string;
  /** Phone numbers / extensions accepted as the Pin identity. */
  phones?: string[];
  /** Account names (DOMAIN\\user, UPN) accepted as user name. */
  accounts?: string[];
}

export interface ServerUserDirectory extends UserDirectory {
  upsertUser(user: UserSeed): Promise<void>;
  setEnabled(sipUri: string, enabled: boolean): Promise<boolean>;
}

export interface ServerStore {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly users: ServerUserDirectory;
  readonly certificates: CertificateStore & { count(): Promise<number> };
  readonly sessions: AuthBrokerSessionStore;
  /** Sign-in failure counters and the replay cache (shared by a pool's servers). */
  readonly security: SecurityStore;
  close(): Promise<void>;
}

export type StoreConfig = { kind: 'memory' } | { kind: 'sqlite'; file?: string } | { kind: 'postgres'; url: string; poolSize?: number };

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export const normEntity = (e: string) => e.replace(/^sip:/i, '').toLowerCase();
export const normSip = (s: string) => 'sip:' + s.replace(/^sip:/i, '').toLowerCase();

export function checkSeed(u: UserSeed): void {
  if (!u || typeof u.sipUri !== 'string' || !/^sip:[^@\s]+@[^@\s]+$/i.test(u.sipUri))
    throw new StoreError('ERR_SERVER_USER', `users[].sipUri: expected sip:user@domain, received ${JSON.stringify(String(u?.sipUri).slice(0, 100))}`);
}

export function identitiesOf(u: UserSeed): string[] {
  const sip = normSip(u.sipUri);
  return [...new Set([sip, sip.slice(4), ...(u.phones ?? []), ...(u.accounts ?? [])].map((s) => s.toLowerCase()))];
}
