#!/usr/bin/env node
import { type ServerFaults } from './internal/faults.js';
import type { ServerConfig } from './internal/config.js';
import { UsageError } from './cli-args.js';
/** Every flag of ocauth-server, one line each: parsed, validated and listed in --help from here. */
export declare const SERVER_FLAGS: {
    config: {
        type: "string";
        short: string;
        arg: string;
        help: string;
    };
    host: {
        type: "string";
        arg: string;
        help: string;
    };
    port: {
        type: "string";
        short: string;
        arg: string;
        help: string;
    };
    'farm-fqdn': {
        type: "string";
        arg: string;
        help: string;
    };
    'external-url': {
        type: "string";
        arg: string;
        help: string;
    };
    'sip-port': {
        type: "string";
        arg: string;
        help: string;
    };
    'data-dir': {
        type: "string";
        short: string;
        arg: string;
        help: string;
    };
    store: {
        type: "string";
        arg: string;
        help: string;
    };
    'pg-url': {
        type: "string";
        arg: string;
        help: string;
        secret: true;
    };
    'min-key-size': {
        type: "string";
        arg: string;
        help: string;
    };
    'max-key-size': {
        type: "string";
        arg: string;
        help: string;
    };
    'default-validity-hours': {
        type: "string";
        arg: string;
        help: string;
    };
    'max-validity-hours': {
        type: "string";
        arg: string;
        help: string;
    };
    'ticket-lifetime': {
        type: "string";
        arg: string;
        help: string;
    };
    'clock-skew': {
        type: "string";
        arg: string;
        help: string;
    };
    fault: {
        type: "string";
        multiple: true;
        arg: string;
        help: string;
    };
    json: {
        type: "boolean";
        help: string;
    };
    quiet: {
        type: "boolean";
        help: string;
    };
    version: {
        type: "boolean";
        short: string;
        help: string;
    };
};
export declare const HELP: string;
export declare class CliError extends UsageError {
    readonly code = "ERR_SERVER_CLI";
}
/** The package version (dist/cli.js and src/cli.ts both sit one level below package.json). */
export declare function serverVersion(): string;
type Shape = true | {
    readonly [k: string]: Shape;
} | readonly [Shape];
type Keys<T> = {
    readonly [K in keyof T]-?: Shape;
};
export declare const CONFIG_SHAPE: {
    readonly host: true;
    readonly port: true;
    readonly farmFqdn: true;
    readonly externalUrl: true;
    readonly farm: true;
    readonly sip: {
        readonly fqdn: true;
        readonly port: true;
        readonly host: true;
    };
    readonly dataDir: true;
    readonly store: {
        readonly kind: true;
        readonly file: true;
        readonly url: true;
        readonly poolSize: true;
    };
    readonly users: readonly [{
        readonly sipUri: true;
        readonly enabled: true;
        readonly displayName: true;
        readonly pin: true;
        readonly password: true;
        readonly phones: true;
        readonly account: true;
        readonly upn: true;
        readonly accounts: true;
    }];
    readonly demoUser: true;
    readonly policy: {
        readonly minKeySize: true;
        readonly maxKeySize: true;
        readonly minValidityHours: true;
        readonly defaultValidityHours: true;
        readonly maxValidityHours: true;
        readonly clampValidity: true;
        readonly ticketLifetimeSeconds: true;
        readonly privateTicketLifetimeSeconds: true;
        readonly clockSkewSeconds: true;
        readonly brokerSessionIdleSeconds: true;
        readonly brokerCertificateValidityHours: true;
        readonly certProvCompactTickets: true;
        readonly signInThrottle: {
            readonly maxPinFailures: true;
            readonly maxPasswordFailures: true;
            readonly failureWindowSeconds: true;
            readonly lockoutSeconds: true;
            readonly maxSourceFailures: true;
            readonly sourceBlockSeconds: true;
            readonly blockedDelayMs: true;
            readonly familiarSourceDays: true;
        };
        readonly brokerAcceptUnsignedTickets: true;
        readonly requireSignedBody: true;
        readonly certificatesPerTicket: true;
        readonly certBindingAcceptUnsignedBody: true;
        readonly tlsCiphers: true;
    };
    readonly limits: {
        readonly maxBodyBytes: true;
        readonly headersTimeoutMs: true;
        readonly requestTimeoutMs: true;
        readonly keepAliveTimeoutMs: true;
        readonly maxConnections: true;
        readonly tlsHandshakeTimeoutMs: true;
        readonly firstRequestTimeoutMs: true;
        readonly maxPendingHandshakes: true;
        readonly maxPendingHandshakesPerSource: true;
        readonly maxConnectionsPerSource: true;
        readonly maxUnauthenticatedBodyBytes: true;
        readonly maxConcurrentRequests: true;
        readonly maxQueuedRequests: true;
    };
    readonly registrarTrustedCertificates: true;
    readonly faults: Keys<ServerFaults>;
    readonly ntlm: {
        readonly netbiosDomain: true;
        readonly maxPendingContexts: true;
    };
};
/** Refuse keys a config file may not hold, naming the key's path and the closest known key. */
export declare function checkConfigKeys(value: unknown, shape?: Shape, path?: string): void;
/** Turn argv into a ServerConfig (exported for tests). Throws CliError (a UsageError: exit 2). */
export declare function configFromArgs(argv: string[]): {
    config: ServerConfig;
    json: boolean;
    help: boolean;
    version: boolean;
};
export {};
//# sourceMappingURL=cli.d.ts.map