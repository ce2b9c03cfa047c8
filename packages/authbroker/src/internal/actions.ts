// MS-OCAUTHWS 3.3.4 / 6.3: the seven IAuthBroker operations and their WS-Addressing actions.
/**
 * The seven operations of the IAuthBroker port type (MS-OCAUTHWS 3.3.4, WSDL 6.3) with their
 * WS-Addressing actions (`wsaw:Action`).
 */
export const AUTH_BROKER_OPERATIONS = [
  'CreateAuthBrokerSession',
  'TerminateAuthBrokerSession',
  'AuthBrokerAcquireCredential',
  'AuthBrokerNegotiateSecurityAssociation',
  'CreateAuthBrokerSessionV2',
  'AuthBrokerAcquireCredentialV2',
  'AuthBrokerNegotiateSecurityAssociationV2',
] as const;

export type AuthBrokerOperation = (typeof AUTH_BROKER_OPERATIONS)[number];

export const AUTH_BROKER_ACTION_BASE = 'http://tempuri.org/IAuthBroker/';

/** `http://tempuri.org/IAuthBroker/<Operation>` and `…<Operation>Response`. */
export function actionOf(operation: AuthBrokerOperation, direction: 'request' | 'response'): string {
  return `${AUTH_BROKER_ACTION_BASE}${operation}${direction === 'response' ? 'Response' : ''}`;
}

export function operationOfAction(action: string): { operation: AuthBrokerOperation; direction: 'request' | 'response' } | undefined {
  if (!action.startsWith(AUTH_BROKER_ACTION_BASE)) return undefined;
  const rest = action.slice(AUTH_BROKER_ACTION_BASE.length);
  for (const op of AUTH_BROKER_OPERATIONS) {
    if (rest === op) return { operation: op, direction: 'request' };
    if (rest === `${op}Response`) return { operation: op, direction: 'response' };
  }
  return undefined;
}

export function isV2(operation: AuthBrokerOperation): boolean {
  return operation.endsWith('V2');
}
