import type { UserDirectory } from '@ocauth/wstrust';
import type { CertificateStore } from '@ocauth/certprov';
import type { AuthBrokerSessionStore } from '@ocauth/authbroker';

/** A user to seed into the store (ServerConfig.users). PIN and password are stored hashed. */
export interface SeedUser {
  /** `sip:user@domain`. */
  sipUri: string;
  enabled?: boolean;
  displayName?: string;
  /** Pin binding secret (MS-OCAUTHWS 3.2.4.1: phone number or extension + PIN). */
  pin?: string;
  /** Auth binding / HTTP Basic secret. */
  password?: string;
  /** Phone numbers / extensions accepted as the Pin binding identity. */
  phone?: string[];
  /** Account names (DOMAIN\\user, UPN) accepted as user names. */
  accounts?: string[];
}

/** A user store with write access (users are seeded at start and by administrators). */
export interface ServerUserDirectory extends UserDirectory {
  /** Insert or replace the user and its identities and secrets. */
  putUser(user: SeedUser): Promise<void>;
}

/** Everything the server keeps: users, issued certificates (with revocations), broker sessions. */
export interface ServerStore {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly users: ServerUserDirectory;
  readonly certificates: CertificateStore;
  readonly sessions: AuthBrokerSessionStore;
  close(): Promise<void>;
}

export class ServerStoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerStoreError';
    this.code = code;
  }
}

export const normEntity = (e: string): string => e.replace(/^sips?:/i, '').toLowerCase();
export const normSip = (s: string): string => s.toLowerCase();
