import type { TlsDskClient } from './tls-dsk-client.js';
import type { TlsDskCredential, TlsDskProtocol } from './tls-dsk-common.js';
import type { HashAlgorithmName } from './hash-algorithm.js';

/**
 * One Authentication Broker session (MS-OCAUTHWS 3.3.1): its id, the user it belongs to, the
 * credential acquired for it (at most one), and one security association per target.
 * It holds live TLS state, so a store keeps these objects in process.
 */
export interface AuthBrokerSession {
  id: string;
  /** The SIP URI of the web ticket that created the session; other users cannot use it. */
  sipUri: string;
  version: 1 | 2;
  protocol: TlsDskProtocol;
  /** V1: chosen at CreateAuthBrokerSession; V2: at AuthBrokerAcquireCredentialV2. */
  hashAlgorithm: HashAlgorithmName | undefined;
  createdAt: number;
  lastActivity: number;
  /** Set by the (single) AuthBrokerAcquireCredential call. */
  credentialRequested: boolean;
  sipInstance: string | undefined;
  credential: (TlsDskCredential & { notAfter: Date }) | undefined;
  securityAssociations: Map<string, TlsDskClient>;
}

/** Where the handler keeps sessions (in-process: sessions carry live TLS engines). */
export interface AuthBrokerSessionStore {
  get(id: string): Promise<AuthBrokerSession | undefined>;
  set(session: AuthBrokerSession): Promise<void>;
  delete(id: string): Promise<void>;
  /** Remove (and return) sessions idle since before `idleBefore` (ms since epoch). */
  sweep(idleBefore: number): Promise<AuthBrokerSession[]>;
  size(): Promise<number>;
}

export class MemoryAuthBrokerSessionStore implements AuthBrokerSessionStore {
  private readonly sessions = new Map<string, AuthBrokerSession>();
  async get(id: string) {
    return this.sessions.get(id);
  }
  async set(session: AuthBrokerSession) {
    this.sessions.set(session.id, session);
  }
  async delete(id: string) {
    this.sessions.delete(id);
  }
  async sweep(idleBefore: number) {
    const gone: AuthBrokerSession[] = [];
    for (const [id, s] of this.sessions) {
      if (s.lastActivity < idleBefore) {
        this.sessions.delete(id);
        gone.push(s);
      }
    }
    return gone;
  }
  async size() {
    return this.sessions.size;
  }
}
