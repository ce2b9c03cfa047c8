export async function runFuzzCli(_args: string[], out: (s: string) => void): Promise<number> { out('fuzz: not implemented yet'); return 2; }
