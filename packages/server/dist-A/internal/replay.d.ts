import { type TicketVerifier } from '@ocauth/wstrust';
import type { SecurityStore } from './store/security-tables.js';
import type { ServerStore } from './store/types.js';
import type { WebHandler } from './node-adapter.js';
export interface ProofPolicy {
    /** Refuse requests whose soap:Body is not signed with the ticket's proof key (default false: SIPE does not sign it). */
    requireSignedBody?: boolean;
    /** Certificates one web ticket may obtain from Certificate Provisioning (default 1). */
    certificatesPerTicket?: number;
    /** Cert binding: accept a request whose Body is not signed by the certificate key (default false). */
    certBindingAcceptUnsignedBody?: boolean;
}
export declare function proofGuards(store: SecurityStore, policy: ProofPolicy, clock: () => Date, skewMs: number): {
    /** Verifier for services called with a ticket: replay defence (and requireSignedBody). */
    replayGuarded(v: TicketVerifier): TicketVerifier;
    /**
     * Certificate Provisioning's verifier: replay defence and the certificate count per ticket. Within
     * certProvHandler it checks both with one read and leaves the claims to the publication (certificateStore);
     * a concurrent request that claims first makes the publication fail (ClaimLostError: nothing is published).
     */
    certProvGuarded(v: TicketVerifier): TicketVerifier;
    /**
     * The store Certificate Provisioning publishes to: a publication records the request's pending claims in
     * the same transaction (publishClaiming, SQL stores) or just before it (given back if it fails).
     */
    certificateStore<C extends ServerStore["certificates"]>(c: C): C;
    /**
     * Certificate Provisioning handler: runs each request with its pending claims. A request whose claims no
     * publication committed (it issued no certificate) still records its replay key: an exact replay of a
     * refused request stays refused, and its ticket stays usable.
     */
    certProvHandler(h: WebHandler): WebHandler;
    /** Web Ticket Service: the Cert binding requires a signed Body and refuses exact replays. */
    webTicketHandler(h: WebHandler): WebHandler;
};
//# sourceMappingURL=replay.d.ts.map