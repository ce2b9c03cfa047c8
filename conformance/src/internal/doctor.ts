export async function runDoctorCli(_args: string[], out: (s: string) => void): Promise<number> { out('doctor: not implemented yet'); return 2; }
