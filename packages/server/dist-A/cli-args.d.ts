export interface FlagSpec {
    type: 'string' | 'boolean';
    /** One-letter alias (`-c`). */
    short?: string;
    /** May be given more than once (values collected in order). */
    multiple?: boolean;
    /** Placeholder shown in the help (`FILE`, `N`, `URL`). */
    arg?: string;
    /** One line for `--help`. */
    help: string;
    /** Never echo the value in an error message (PINs, passwords). */
    secret?: boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues<S extends FlagSpecs> = {
    [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['multiple'] extends true ? string[] : string;
};
/** A usage error (unknown flag, missing value, unknown subcommand): the CLIs print it to stderr and exit 2. */
export declare class UsageError extends Error {
    readonly code: string;
    constructor(message: string);
}
/** The closest candidate to a misspelt name (case-insensitive edit distance ≤ 2, or ≤ a third of its length), if any. */
export declare function suggest(input: string, candidates: Iterable<string>): string | undefined;
export declare const didYouMean: (input: string, candidates: Iterable<string>, prefix?: string) => string;
export interface ParsedArgs<S extends FlagSpecs> {
    values: FlagValues<S>;
    positionals: string[];
    /** `--help` / `-h` was given (the caller prints the help to stdout and exits 0; nothing else runs). */
    help: boolean;
}
/**
 * Parse `argv` against `specs` (`--help`/`-h` is always accepted). Throws UsageError naming the flag,
 * what was expected and what was received; positionals are refused unless `positionals` is true.
 */
export declare function parseCli<S extends FlagSpecs>(argv: readonly string[], specs: S, opts?: {
    positionals?: boolean;
}): ParsedArgs<S>;
/** The options part of a help text, generated from the declarations (so a new flag is listed by declaring it). */
export declare function formatFlags(specs: FlagSpecs): string;
/** Refuse an unknown subcommand with a suggestion. */
export declare function unknownCommand(program: string, cmd: string, commands: readonly string[]): UsageError;
//# sourceMappingURL=cli-args.d.ts.map