// MS-OCAUTHWS 3.3.1 Abstract Data Model: the persistent session record and its store.
import type { HashAlgorithmName } from './hash-algorithm.js';
import type { TlsDskProtocol } from './tls-dsk-common.js';

/**
 * The persistent part of an Authentication Broker session (MS-OCAUTHWS 3.3.1 "the session
 * identifier of the user"): plain, JSON-serialisable data, so a database can hold it. The live
 * TLS-DSK security associations and the credential's private key stay in the handler's process;
 * a handler that finds a record without them re-locates the credential through its
 * credentialSource ("locate a previously obtained certificate", 3.3).
 */
export interface AuthBrokerSessionRecord {
  id: string;
  /** The SIP URI of the web ticket that created the session; other users cannot use it. */
  sipUri: string;
  version: 1 | 2;
  protocol: TlsDskProtocol;
  /** V1: chosen at CreateAuthBrokerSession; V2: at AuthBrokerAcquireCredentialV2. */
  hashAlgorithm: HashAlgorithmName | null;
  /** ms since the epoch. */
  createdAt: number;
  lastActivity: number;
  /** Set by the (single) AuthBrokerAcquireCredential call. */
  credentialRequested: boolean;
  sipInstance: string | null;
  /** notAfter of the acquired certificate (ms since the epoch), null when none was obtained. */
  credentialNotAfter: number | null;
}

/** Where the handler keeps session records. All calls are async (a database may back them). */
export interface AuthBrokerSessionStore {
  get(id: string): Promise<AuthBrokerSessionRecord | undefined>;
  /** Insert or replace. */
  set(record: AuthBrokerSessionRecord): Promise<void>;
  delete(id: string): Promise<void>;
  /** Remove the records idle since before `idleBefore` (ms since epoch); return their ids. */
  sweep(idleBefore: number): Promise<string[]>;
  size(): Promise<number>;
  /** Number of sessions of one user (optional: enables the handler's per-user limit). */
  countForUser?(sipUri: string): Promise<number>;
}

/**
 * In-memory session store (copies records in and out, like a database would).
 * @throws never
 */
export class MemoryAuthBrokerSessionStore implements AuthBrokerSessionStore {
  private readonly records = new Map<string, AuthBrokerSessionRecord>();
  /**
   * The record (a copy), or undefined when there is none.
   * @throws never
   */
  async get(id: string) {
    const r = this.records.get(id);
    return r ? { ...r } : undefined;
  }
  /**
   * Insert or replace (stores a copy).
   * @throws never (a TypeError rejection only when `record` is not an object)
   */
  async set(record: AuthBrokerSessionRecord) {
    this.records.set(record.id, { ...record });
  }
  /**
   * Remove the record, if any.
   * @throws never
   */
  async delete(id: string) {
    this.records.delete(id);
  }
  /**
   * Remove the records idle since before `idleBefore` (ms since epoch); return their ids.
   * @throws never
   */
  async sweep(idleBefore: number) {
    const gone: string[] = [];
    for (const [id, r] of this.records) {
      if (r.lastActivity < idleBefore) {
        this.records.delete(id);
        gone.push(id);
      }
    }
    return gone;
  }
  /**
   * Number of records.
   * @throws never
   */
  async size() {
    return this.records.size;
  }
  /**
   * Number of sessions of one user.
   * @throws never
   */
  async countForUser(sipUri: string) {
    let n = 0;
    for (const r of this.records.values()) if (r.sipUri === sipUri) n++;
    return n;
  }
}
