// MS-OCAUTHWS 3.1.4.1.5.1 DeviceId: "MUST be convertible to a GUID"; its canonical form keys the device in the store.
import { Refusal } from './respond.js';

/**
 * MS-OCAUTHWS 3.1.4.1.5.1: "DeviceId MUST be convertible to a GUID". Accepts the .NET Guid.Parse forms
 * B `{…}` (what Lync and SIPE send), D (hyphenated), N (32 digits) and P `(…)`; returns the canonical B
 * form in upper case (the device key of the store), or undefined.
 * @throws never
 */
export function canonicalDeviceId(s: string): string | undefined {
  const m = /^(?:\{([0-9A-Fa-f-]{36})\}|\(([0-9A-Fa-f-]{36})\)|([0-9A-Fa-f-]{36})|([0-9A-Fa-f]{32}))$/.exec(s.trim());
  if (!m) return undefined;
  const d = m[1] ?? m[2] ?? m[3];
  const hex =
    d !== undefined ? (/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(d) ? d.replace(/-/g, '') : undefined) : m[4];
  if (hex === undefined) return undefined;
  const u = hex.toUpperCase();
  return `{${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}}`;
}

/** The device key of a request's DeviceId, or InvalidDeviceId. */
export function checkDeviceId(deviceId: string): string {
  // Security (issue 16 item 7): the DeviceId goes into the certificate, so only the GUID itself
  // (at most the 38 characters of the braced form), never padding around it.
  if (deviceId.length > 38 || deviceId !== deviceId.trim())
    throw new Refusal(
      'InvalidDeviceId',
      `DeviceId: expected a GUID without surrounding whitespace (at most 38 characters), received ${deviceId.length} characters`,
    );
  const deviceKey = canonicalDeviceId(deviceId);
  if (deviceKey === undefined)
    throw new Refusal(
      'InvalidDeviceId',
      `DeviceId: expected a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, or without braces), received ${JSON.stringify(deviceId.slice(0, 100))}`,
    );
  return deviceKey;
}
