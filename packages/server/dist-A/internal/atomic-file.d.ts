export declare function atomicWriteFileSync(path: string, data: Uint8Array | string, mode?: number): void;
/** Alias of atomicWriteFileSync (name used by the stores). */
export declare const writeFileAtomic: (path: string, data: Uint8Array | string, mode?: number) => void;
/** Asynchronous atomicWriteFileSync (same steps: temp file, fsync, rename, directory fsync), off the event loop. */
export declare function atomicWriteFile(path: string, data: Uint8Array, mode?: number): Promise<void>;
//# sourceMappingURL=atomic-file.d.ts.map