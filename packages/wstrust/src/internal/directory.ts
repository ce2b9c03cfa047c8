import type { X509Certificate } from 'node:crypto';

/** A user of the UAS database as the Web Ticket Service needs it (MS-OCAUTHWS 3.2.4.1). */
export interface DirectoryUser {
  sipUri: string;
  /** A disabled user is refused (28000 "User is not SIP enabled" / 28014). */
  enabled: boolean;
  displayName?: string;
}

/**
 * What the Web Ticket Service asks of the user store. Implemented by @ocauth/server
 * (SQLite / PostgreSQL); tests use MemoryUserDirectory. All calls are async.
 */
export interface UserDirectory {
  findUserBySipUri(sipUri: string): Promise<DirectoryUser | null>;
  /** Pin binding: phone number / extension (or SIP URI) + PIN. null when they do not match. */
  verifyPin(identity: string, pin: string): Promise<DirectoryUser | null>;
  /** Auth binding (wsse:UsernameToken) and HTTP Basic: account name or SIP URI + password. */
  verifyPassword(username: string, password: string): Promise<DirectoryUser | null>;
  /** Integrated Windows authentication: the authenticated account (DOMAIN\user or UPN) to its user. */
  findUserByAccount?(account: string): Promise<DirectoryUser | null>;
}

/** Cert binding: map a client certificate issued by the UAS (certprov) to a user, or null. */
export interface ClientCertificateValidator {
  validate(cert: X509Certificate): Promise<{ sipUri: string } | null>;
}

/** In-memory UserDirectory for tests and examples (constant-time secret comparison). */
export class MemoryUserDirectory implements UserDirectory {
  readonly #users: { user: DirectoryUser; pins: string[]; accounts: string[]; password?: string }[] = [];
  add(user: DirectoryUser, secrets: { pin?: string; phone?: string[]; password?: string; accounts?: string[] } = {}): this {
    const entry: { user: DirectoryUser; pins: string[]; accounts: string[]; password?: string } = { user, pins: [], accounts: [user.sipUri, ...(secrets.accounts ?? []), ...(secrets.phone ?? [])] };
    if (secrets.pin !== undefined) entry.pins.push(secrets.pin);
    if (secrets.password !== undefined) entry.password = secrets.password;
    this.#users.push(entry);
    return this;
  }
  async findUserBySipUri(sipUri: string): Promise<DirectoryUser | null> {
    return this.#users.find((u) => u.user.sipUri.toLowerCase() === sipUri.toLowerCase())?.user ?? null;
  }
  async findUserByAccount(account: string): Promise<DirectoryUser | null> {
    return this.#users.find((u) => u.accounts.some((a) => a.toLowerCase() === account.toLowerCase()))?.user ?? null;
  }
  async verifyPin(identity: string, pin: string): Promise<DirectoryUser | null> {
    const e = this.#users.find((u) => u.accounts.some((a) => a.toLowerCase() === identity.toLowerCase()));
    return e && e.pins.some((p) => eq(p, pin)) ? e.user : null;
  }
  async verifyPassword(username: string, password: string): Promise<DirectoryUser | null> {
    const e = this.#users.find((u) => u.accounts.some((a) => a.toLowerCase() === username.toLowerCase()));
    return e && e.password !== undefined && eq(e.password, password) ? e.user : null;
  }
}

function eq(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  let d = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) d |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return d === 0;
}
