// Validity of the issued certificate: the MS-WCCE validityPeriod/ValidityPeriodUnits pairs of the CSR (4.1.1 example) within the policy.
import type { ParsedCsr } from '../csr.js';
import type { CertProvPolicy } from '../handler-options.js';
import { Refusal } from './respond.js';

/** Validity requested through the MS-WCCE name-value pairs, in hours (undefined when absent). */
function requestedHours(pairs: ReadonlyArray<{ name: string; value: string }>): number | undefined {
  const get = (n: string) => pairs.find((p) => p.name.toLowerCase() === n.toLowerCase())?.value;
  const period = get('validityPeriod');
  const units = get('ValidityPeriodUnits');
  if (period === undefined && units === undefined) return undefined;
  const u = Number(units);
  // A month is 30 days: Lync asks for 6 Months and the default is 180 days = 4320 hours (field notes).
  const per = ({ hours: 1, days: 24, weeks: 168, months: 720, years: 8760 } as Record<string, number>)[(period ?? '').toLowerCase()];
  if (!per || !Number.isInteger(u) || u <= 0)
    throw new Refusal(
      'InvalidValidityPeriod',
      `validityPeriod/ValidityPeriodUnits: expected a period (Hours/Days/Months) and positive units, received ${period}/${units}`,
    );
  return u * per;
}

/**
 * The validity in hours: as requested (else the policy's default), clamped into the policy's range or,
 * with `validityOutOfRange: 'reject'`, refused InvalidValidityPeriod; malformed pairs are refused too.
 */
export function checkValidity(csr: ParsedCsr, policy: Required<CertProvPolicy>): number {
  const hours = requestedHours(csr.nameValuePairs) ?? policy.defaultValidityHours;
  if (hours >= policy.minValidityHours && hours <= policy.maxValidityHours) return hours;
  if (policy.validityOutOfRange === 'reject')
    throw new Refusal('InvalidValidityPeriod', `validity: expected ${policy.minValidityHours}..${policy.maxValidityHours} hours, received ${hours}`);
  return Math.min(Math.max(hours, policy.minValidityHours), policy.maxValidityHours);
}
