/** `scrypt$N$r$p$salt$hash` (base64). */
export declare function hashSecret(secret: string): Promise<string>;
export declare function verifySecret(secret: string, stored: string | null | undefined): Promise<boolean>;
export declare const CREDENTIAL_KEY_FILE = "credential-key.bin";
/** The 32-byte credential key of dataDir, created (mode 0600) when missing. */
export declare function loadOrCreateCredentialKey(dataDir: string): Uint8Array;
/** `aes256gcm$iv$ciphertext$tag` (base64) of a secret, bound to `context`. */
export declare function sealSecret(key: Uint8Array, secret: Uint8Array, context: string): string;
/** The secret sealed by sealSecret, or null when it does not open under this key and context. */
export declare function openSecret(key: Uint8Array, sealed: string | null | undefined, context: string): Uint8Array | null;
//# sourceMappingURL=secrets.d.ts.map