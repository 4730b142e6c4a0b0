import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from '@tinysweep/access';
import type { Request } from 'express';

/** Metadata key of {@link Access}. */
export const ACCESS_KEY = 'tinysweep:access';

/** What a route needs: one of these roles ('public': no token at all). */
export type AccessRule = readonly (Role | 'public')[];

/**
 * The roles that may call a route (any one of them; read ⊂ submit ⊂ admin, see @tinysweep/access).
 * Every route says; the AccessGuard refuses a route that does not.
 */
export const Access = (...roles: (Role | 'public')[]) =>
  // The OpenAPI document says it too: each operation's security requirement comes from it (openapi.ts).
  applyDecorators(SetMetadata(ACCESS_KEY, roles), ApiExtension(ACCESS_EXTENSION, roles));

/** The OpenAPI extension naming the roles that may call an operation. */
export const ACCESS_EXTENSION = 'x-tinysweep-roles';

/**
 * Who is calling. `name` is the token's name (recorded as a sweep's or schedule's owner), `role` its
 * role; `unrestricted` when the API runs without tokens (TINYSWEEP_INSECURE_NO_TOKEN), where every
 * caller may do everything and owns nothing.
 */
export interface Caller {
  name: string | null;
  role: Role | null;
  unrestricted: boolean;
}

export const ANONYMOUS_UNRESTRICTED: Caller = { name: null, role: null, unrestricted: true };

declare module 'express' {
  interface Request {
    /** Set by the AccessGuard. */
    caller?: Caller;
  }
}

/** The route's caller, as the AccessGuard identified it. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return req.caller ?? ANONYMOUS_UNRESTRICTED;
});

/**
 * Whether `caller` may change (cancel, retry, pause, delete) what `owner` submitted: its own things
 * with a submit token, anyone's with an admin token. Things without an owner (submitted while the
 * API ran without tokens) need admin.
 */
export function mayChange(caller: Caller, owner: string | null): boolean {
  if (caller.unrestricted || caller.role === 'admin') return true;
  return caller.role === 'submit' && owner !== null && owner === caller.name;
}
