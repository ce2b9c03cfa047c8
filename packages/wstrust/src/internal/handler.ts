// MS-OCAUTHWS 3.2 Web Ticket Service: IssueToken (3.2.4.1) as a pipeline of spec-named steps, WSDL (6.2) and WS-MEX.
import type { DirectoryUser, SignInHooks } from './directory.js';
import type { ParsedEnvelope, RequestSecurityToken } from './messages.js';
import { checkAppliesTo, checkClaims, checkKeySize, readRequestSecurityToken } from './issue-token/check-request.js';
import { authenticate, authenticatePin } from './issue-token/authenticate.js';
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
      // Pin binding: the PIN check (a memory-hard KDF) starts at once, as it reads only the HTTP header, and the
      // ticket is prepared while it runs (issue 20). Refusals keep the order of the steps below.
      const ticket = route === 'Pin' ? preparedTicket(ctx) : undefined;
      const pinUser = ticket ? authenticatePin(ctx, req, ticket.hooks) : undefined;
      pinUser?.catch(() => {}); // awaited below, after the envelope's refusals (which leave it unread)
      const env = await readEnvelope(req); //                              2.1: SOAP over HTTPS
      checkAction(ctx.fqdn, env); //                                       3.2.4.1: wsa:Action is IssueToken
      const target = settle(() => {
        const rst = readRequestSecurityToken(ctx, env); //                 3.2.4.1.3.3
        return { rst, appliesTo: checkAppliesTo(ctx, rst, env) }; //       3.2.1: within the server farm
      });
      const terms = target.ok
        ? settle(() => {
            checkKeySize(ctx, target.value.rst, env); //                   3.2.4.1.3.3: wst:KeySize
            return grantedLifetime(ctx, req, target.value.rst, env); //    3.2.4.1.3.3: wst:Lifetime
          })
        : undefined;
      if (target.ok && terms?.ok) ticket?.terms(env, target.value.rst, target.value.appliesTo, terms.value);
      const user = await (pinUser ?? authenticate(ctx, route, req, env)); // 3.2.4.1: per binding
      if (!target.ok) throw target.error;
      const { rst, appliesTo } = target.value;
      checkClaims(ctx, rst, user, env); //                                 3.2.4.1.3.3: wst:Claims
      if (!terms!.ok) throw terms!.error;
      return (await ticket?.responseFor(user)) ?? issueResponse(env, issue(ctx, rst, user, appliesTo, terms!.value)); // 3.2.4.1.3.4
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

/** A step's value, or what it threw (kept to be thrown later, in the pipeline's order). */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
function settle<T>(step: () => T): Settled<T> {
  try {
    return { ok: true, value: step() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The answer for the user the directory names while it checks the PIN (SignInHooks.onCandidate), built on a later
 * turn of the event loop (the KDF is on the thread pool by then) once the request's checked terms are known,
 * instead of after the verdict. Used only when the directory returns a user with the same SIP URI (the one
 * user-dependent value of a ticket; the claims check still runs on the returned user); otherwise never sent.
 */
function preparedTicket(ctx: IssueTokenContext): {
  hooks: SignInHooks;
  terms(env: ParsedEnvelope, rst: RequestSecurityToken, appliesTo: string, lifetime: number): void;
  responseFor(user: DirectoryUser): Promise<Response | undefined> | undefined;
} {
  let candidate: DirectoryUser | undefined;
  let build: (() => Response) | undefined;
  let answer: Promise<Response | undefined> | undefined;
  const start = () => {
    if (answer || !candidate || !build) return;
    const make = build;
    answer = new Promise((resolve) =>
      setImmediate(() => {
        try {
          resolve(make());
        } catch {
          resolve(undefined); // issued again after the verdict, where a failure is answered
        }
      }),
    );
  };
  return {
    hooks: {
      onCandidate(user) {
        candidate ??= user;
        start();
      },
    },
    terms(env, rst, appliesTo, lifetime) {
      build = () => issueResponse(env, issue(ctx, rst, candidate!, appliesTo, lifetime));
      start();
    },
    responseFor: (user) => (answer && user.sipUri === candidate?.sipUri ? answer : undefined),
  };
}
