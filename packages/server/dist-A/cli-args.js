// The command-line parser shared by `ocauth-server` and `ocauth` (@ocauth/conformance).
//
// A thin layer over Node's own `util.parseArgs` (stable since Node 20; no dependency to keep up to date,
// audit or ship twice): parseArgs tokenises (`--flag value`, `--flag=value`, `-x`, `--`), and this module
// adds what it lacks and both CLIs need — unknown flags refused with a "did you mean", a missing or
// flag-like value named as such (secrets never echoed), help text generated from the same declarations,
// and subcommand suggestions. Declaring a flag is one line in a `FlagSpecs` object: it is then parsed,
// validated and listed in `--help`.
import { parseArgs } from 'node:util';
/** A usage error (unknown flag, missing value, unknown subcommand): the CLIs print it to stderr and exit 2. */
export class UsageError extends Error {
    code = 'ERR_USAGE';
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
const HELP_FLAG = { type: 'boolean', short: 'h', help: 'show this help and exit' };
function distance(a, b) {
    const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = prev[j];
            prev[j] = Math.min(up + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return prev[b.length];
}
/** The closest candidate to a misspelt name (case-insensitive edit distance ≤ 2, or ≤ a third of its length), if any. */
export function suggest(input, candidates) {
    let best;
    let bestD = Infinity;
    const lower = input.toLowerCase();
    for (const c of candidates) {
        const d = distance(lower, c.toLowerCase());
        if (d < bestD) {
            best = c;
            bestD = d;
        }
    }
    return best !== undefined && bestD <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
export const didYouMean = (input, candidates, prefix = '') => {
    const s = suggest(input, candidates);
    return s === undefined ? '' : ` (did you mean ${prefix}${s}?)`;
};
/**
 * Parse `argv` against `specs` (`--help`/`-h` is always accepted). Throws UsageError naming the flag,
 * what was expected and what was received; positionals are refused unless `positionals` is true.
 */
export function parseCli(argv, specs, opts = {}) {
    const all = { help: HELP_FLAG, ...specs };
    const options = {};
    for (const [name, s] of Object.entries(all))
        options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
    const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
    const values = {};
    const positionals = [];
    const longNames = Object.keys(all).map((n) => `--${n}`);
    for (const t of tokens) {
        if (t.kind === 'option-terminator')
            continue;
        if (t.kind === 'positional') {
            if (!opts.positionals)
                throw new UsageError(`unexpected argument ${JSON.stringify(t.value)}`);
            positionals.push(t.value);
            continue;
        }
        const spec = all[t.name];
        if (!spec) {
            const raw = t.rawName.startsWith('--') ? t.rawName : `-${t.name}`;
            throw new UsageError(`unknown flag ${raw}${didYouMean(raw, longNames)}`);
        }
        const flag = `--${t.name}`;
        if (spec.type === 'boolean') {
            if (t.inlineValue)
                throw new UsageError(`${flag}: expected no value, received ${JSON.stringify(t.value)}`);
            values[t.name] = true;
            continue;
        }
        const v = t.value;
        if (v === undefined)
            throw new UsageError(`${flag}: expected a value, received nothing`);
        if (!t.inlineValue && v.startsWith('-') && v.length > 1 && !/^-\d/.test(v))
            throw new UsageError(`${flag}: expected a value, received ${spec.secret ? 'another flag' : JSON.stringify(v)}`);
        if (spec.multiple)
            (values[t.name] ??= []).push(v);
        else
            values[t.name] = v;
    }
    const help = values.help === true;
    delete values.help;
    return { values: values, positionals, help };
}
/** The options part of a help text, generated from the declarations (so a new flag is listed by declaring it). */
export function formatFlags(specs) {
    const rows = Object.entries({ ...specs, help: HELP_FLAG }).map(([name, s]) => [
        `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` ${s.arg ?? 'VALUE'}` : ''}`,
        `${s.help}${s.multiple ? ' (repeatable)' : ''}`,
    ]);
    const width = Math.max(...rows.map(([l]) => l.length)) + 2;
    return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}
/** Refuse an unknown subcommand with a suggestion. */
export function unknownCommand(program, cmd, commands) {
    return new UsageError(`${program}: unknown command ${JSON.stringify(cmd)}${didYouMean(cmd, commands)}; commands: ${commands.join(', ')}`);
}
//# sourceMappingURL=cli-args.js.map