// PostgreSQL for tests: OCAUTH_TEST_PG_URL (set by .ci/run). Under CI a missing URL fails the suite;
// locally the PostgreSQL tests are skipped with a message.
export function pgUrlOrSkip(): string | undefined {
  const url = process.env.OCAUTH_TEST_PG_URL;
  if (url) return url;
  if (process.env.CI === 'true') throw new Error('OCAUTH_TEST_PG_URL: expected a PostgreSQL URL under CI=true (.ci/run starts one), received none');
  console.warn('OCAUTH_TEST_PG_URL not set: PostgreSQL store tests skipped (start one with .ci/postgres.sh start_postgres)');
  return undefined;
}
