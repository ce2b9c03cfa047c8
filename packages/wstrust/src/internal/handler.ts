// MS-OCAUTHWS 3.2 Web Ticket Service: IssueToken (3.2.4.1) as a pipeline of spec-named steps, WSDL (6.2) and WS-MEX.
import { checkAppliesTo, checkClaims, checkKeySize, readRequestSecurityToken } from './issue-token/check-request.js';
import { authenticate } from './issue-token/authenticate.js';
import { issue } from './issue-token/issue.js';
import { grantedLifetime } from './issue-token/lifetime.js';
import { resolveOptions, type IssueTokenContext, type WebTicketHandlerOptions } from './issue-token/options.js';
import { checkAction, readEnvelope } from './issue-token/read-request.js';
import { internalError, issueResponse, Refusal, xmlResponse } from './issue-token/respond.js';
import { buildWsdl, mexResponse } from './metadata.js';

export type { WebTicketBinding, WebTicketHandlerOptions } from './issue-token/options.js';

/**
 * The Web Ticket Service (MS-OCAUTHWS 3.2): IssueToken on the WinNegotiate, Auth, Pin and Cert bindings,
 * WSDL (`?wsdl`, 6.2 with the served policies) and WS-MEX (`/mex`). Web-standard Request → Response.
 *
 * @throws {WsTrustError} ERR_WSTRUST_HANDLER_OPTIONS when the options cannot work (never per request)
 */
export function createWebTicketHandler(options: WebTicketHandlerOptions): (req: Request) => Promise<Response> {
  const ctx = resolveOptions(options);
  return async (req: Request): Promise<Response> => {
    try {
      const route = routeOf(ctx, req);
      if (route === 'metadata') return xmlResponse(200, buildWsdl(ctx.publishedUrl, ctx.advertised));
      if (route === 'mex') return xmlResponse(200, mexResponse(ctx.publishedUrl, (await readEnvelope(req)).addressing.messageId, ctx.advertised));
      if (route === undefined) return new Response(null, { status: 404 });
      if (req.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      const env = await readEnvelope(req); //                              2.1: SOAP over HTTPS
      checkAction(ctx.fqdn, env); //                                       3.2.4.1: wsa:Action is IssueToken
      const user = await authenticate(ctx, route, req, env); //            3.2.4.1: per binding
      const rst = readRequestSecurityToken(ctx, env); //                   3.2.4.1.3.3
      const appliesTo = checkAppliesTo(ctx, rst, env); //                  3.2.1: within the server farm
      checkClaims(ctx, rst, user, env); //                                 3.2.4.1.3.3: wst:Claims
      checkKeySize(ctx, rst, env); //                                      3.2.4.1.3.3: wst:KeySize
      const lifetime = grantedLifetime(ctx, req, rst, env); //             3.2.4.1.3.3: wst:Lifetime
      return issueResponse(env, issue(ctx, rst, user, appliesTo, lifetime)); // 3.2.4.1.3.4
    } catch (e) {
      if (e instanceof Refusal) return e.response;
      return internalError(ctx.fqdn);
    }
  };
}

/** What a request addresses: the WSDL, WS-MEX, a binding's IssueToken port, or nothing served (undefined). */
function routeOf(ctx: IssueTokenContext, req: Request): 'metadata' | 'mex' | IssueTokenContext['bindings'][string] | undefined {
  const url = new URL(req.url);
  const path = url.pathname.replace(/\/$/, '');
  if (!path.toLowerCase().startsWith(ctx.basePath.toLowerCase())) return undefined;
  const rel = path.slice(ctx.basePath.length).toLowerCase();
  if (req.method === 'GET' && (url.searchParams.has('wsdl') || url.search.toLowerCase() === '?wsdl' || rel === '/mex')) return 'metadata';
  if (req.method === 'POST' && rel === '/mex') return 'mex';
  return Object.hasOwn(ctx.bindings, rel) ? ctx.bindings[rel] : undefined;
}
