// One error model: DiagnosticsError (code, message, { field?, cause? }); TransportError is one of them.
import { describe, expect, it } from 'vitest';
import { DiagnosticsError, TransportError, formatMsDiagnostics, transportError } from '../src/index.js';

describe('error model', () => {
  it('DiagnosticsError carries code, message, field and cause', () => {
    const cause = new Error('inner');
    const e = new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', 'm', { field: 'reason', cause });
    expect([e.name, e.code, e.message, e.field, e.cause]).toEqual(['DiagnosticsError', 'ERR_DIAGNOSTICS_FIELD', 'm', 'reason', cause]);
    expect(new DiagnosticsError('ERR_DIAGNOSTICS_INPUT', 'm').field).toBeUndefined();
    expect('cause' in new DiagnosticsError('ERR_DIAGNOSTICS_INPUT', 'm')).toBe(false);
  });
  it('a format* refusal names its field', () => {
    try {
      formatMsDiagnostics({ errorId: 28032, reason: 'a"b' } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DiagnosticsError);
      expect((e as DiagnosticsError).field).toBe('reason');
    }
  });
  it('a failed fetch becomes a TransportError, a DiagnosticsError keeping the Node error as cause', () => {
    const inner = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const failed = new TypeError('fetch failed', { cause: inner });
    const e = transportError(failed, 'https://pool.example.test/WebTicket/WebTicketService.svc', 'WebTicketClient')!;
    expect(e).toBeInstanceOf(TransportError);
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect([e.name, e.code, e.causeCode, e.url, e.cause]).toEqual([
      'TransportError',
      'ERR_TRANSPORT_TLS_UNTRUSTED',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'https://pool.example.test/WebTicket/WebTicketService.svc',
      failed,
    ]);
    expect(e.message).toMatch(/pool\.example\.test.*not trusted/);
    expect(transportError(new Error('not a fetch failure'), 'https://x.test/', 'c')).toBeUndefined();
  });
});
