import type { Server } from 'node:https';
export interface ConnectionGuardOptions {
    handshakeTimeoutMs: number;
    firstRequestTimeoutMs: number;
    maxPendingHandshakes: number;
    maxPendingHandshakesPerSource: number;
    maxConnectionsPerSource: number;
    onDrop?: (reason: 'handshake-timeout' | 'pending-evicted' | 'per-source-limit' | 'first-request-timeout') => void;
}
export interface ConnectionGuard {
    stats(): {
        pendingHandshakes: number;
        established: number;
        dropped: Record<string, number>;
    };
    close(): void;
}
export declare function guardConnections(server: Server, o: ConnectionGuardOptions): ConnectionGuard;
export interface PreAuthGateOptions {
    /** Largest body parsed before authentication (every request of the protocol is authenticated inside or beside it). */
    maxBodyBytes: number;
    /** Requests handled at once; further ones wait (bounded parse work and memory). */
    maxConcurrent: number;
    /** Requests waiting; beyond, 503 at once. */
    maxQueued: number;
}
/**
 * Cheap checks before the services parse anything (issue 16 item 5): a body cap far below the transport
 * limit (a GetAndPublishCert or broker request with its ticket is a few KB; 800 KB credential-less
 * bodies cost ~0.3 s of CPU each to parse), and a bound on concurrently handled requests.
 */
export declare function preAuthGate(o: PreAuthGateOptions): (h: (req: Request) => Promise<Response>) => (req: Request) => Promise<Response>;
//# sourceMappingURL=limits.d.ts.map