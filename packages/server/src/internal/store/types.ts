// The server's persistent state behind one interface: the user directory the Web Ticket Service
// consults (wstrust UserDirectory), the certificates certprov publishes (CertificateStore, with
// revocations) and the Authentication Broker's session records (AuthBrokerSessionStore).
import { ServerError, type StoreErrorCode } from '../errors.js';
import type { UserDirectory } from '@ocauth/wstrust';
import type { CertificateStore, StoredCertificate } from '@ocauth/certprov';
import type { ClaimGroup } from './sql.js';
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
  /** Windows account name `DOMAIN\\user` (Auth binding user name, NTLM). */
  account?: string;
  /** User principal name `user@domain` (Auth binding user name, NTLM with an empty domain). */
  upn?: string;
  /** Further names (DOMAIN\\user, UPN) accepted as user name. */
  accounts?: string[];
}

export interface ServerUserDirectory extends UserDirectory {
  upsertUser(user: UserSeed): Promise<void>;
  setEnabled(sipUri: string, enabled: boolean): Promise<boolean>;
  /**
   * The key NT hashes are sealed under (AES-256-GCM; openStore passes dataDir/credential-key.bin). From then
   * on, setting a password also stores its NT hash for NTLM; without a key no NT hash is stored.
   */
  useCredentialKey?(key: Uint8Array): void;
}

export interface ServerStore {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly users: ServerUserDirectory;
  readonly certificates: CertificateStore & {
    count(): Promise<number>;
    /** Publish and record `claims` in one transaction (SQL stores); throws ClaimLostError, publishing nothing, when a group has no free key. */
    publishClaiming?(cert: StoredCertificate, now: Date, claims: readonly ClaimGroup[]): Promise<{ revoked: string[] }>;
  };
  readonly sessions: AuthBrokerSessionStore;
  /** Sign-in failure counters and the replay cache (shared by a pool's servers). */
  readonly security: SecurityStore;
  close(): Promise<void>;
}

export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'sqlite'; file?: string }
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /**
       * Named prepared statements (default true: parsed and planned once per connection). The store turns them
       * off by itself when a pooler in transaction mode loses them (26000 / 42P05); false starts without them.
       */
      preparedStatements?: boolean;
    };

/** A store failure (one of the ServerError model's ERR_SERVER_STORE_* / ERR_SERVER_USER codes). */
export class StoreError extends ServerError {
  declare readonly code: StoreErrorCode;
  /** @throws never */
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
    this.name = 'StoreError';
  }
}

export const normEntity = (e: string) => e.replace(/^sip:/i, '').toLowerCase();
export const normSip = (s: string) => 'sip:' + s.replace(/^sip:/i, '').toLowerCase();

export function checkSeed(u: UserSeed): void {
  if (!u || typeof u.sipUri !== 'string' || !/^sip:[^@\s]+@[^@\s]+$/i.test(u.sipUri))
    throw new StoreError('ERR_SERVER_USER', `users[].sipUri: expected sip:user@domain, received ${JSON.stringify(String(u?.sipUri).slice(0, 100))}`);
  if (u.account !== undefined && (typeof u.account !== 'string' || !/^[^\\\s@/]{1,64}\\[^\\\s@/]{1,104}$/.test(u.account)))
    throw new StoreError('ERR_SERVER_USER', `users[].account: expected DOMAIN\\user, received ${JSON.stringify(String(u.account).slice(0, 100))}`);
  if (u.upn !== undefined && (typeof u.upn !== 'string' || !/^[^@\s\\:]{1,104}@[^@\s\\]{1,255}$/.test(u.upn)))
    throw new StoreError('ERR_SERVER_USER', `users[].upn: expected user@domain, received ${JSON.stringify(String(u.upn).slice(0, 100))}`);
}

/**
 * Every name that denotes the user, lower-cased: the SIP URI with and without `sip:`, phone numbers, the
 * account `DOMAIN\\user`, the UPN and further accounts. Lookups lower-case the name they are given.
 */
export function identitiesOf(u: UserSeed): string[] {
  const sip = normSip(u.sipUri);
  return [
    ...new Set(
      [sip, sip.slice(4), ...(u.phones ?? []), ...(u.account ? [u.account] : []), ...(u.upn ? [u.upn] : []), ...(u.accounts ?? [])].map((s) => s.toLowerCase()),
    ),
  ];
}

/** At most this many readings of one UsernameToken are checked (plain, then base64-decoded). */
export const MAX_PASSWORD_CANDIDATES = 2;
