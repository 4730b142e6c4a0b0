import { BadRequestException, Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Issue {
  path: string;
  message: string;
}

/**
 * Every 400 names what it refuses (`issues: [{ path, message }]`, as the domain's own 400s do). Two
 * come from the framework without one: a path parameter ParseUUIDPipe refused (which parameter is
 * read off the route), and a body the JSON parser could not read (the body as a whole).
 */
@Catch(BadRequestException)
export class BadRequestFilter implements ExceptionFilter {
  catch(err: BadRequestException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const body = err.getResponse();
    const given = typeof body === 'object' && body !== null ? (body as { message?: unknown; issues?: unknown }) : { message: body };
    if (Array.isArray(given.issues)) {
      res.status(400).json(body);
      return;
    }
    const message = typeof given.message === 'string' ? given.message : Array.isArray(given.message) ? given.message.join('; ') : err.message;
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message, issues: issuesOf(message, req) });
  }
}

function issuesOf(message: string, req: Request): Issue[] {
  if (/uuid is expected/i.test(message)) {
    const bad = Object.entries(req.params ?? {}).filter(([, v]) => typeof v === 'string' && !UUID.test(v));
    if (bad.length > 0) return bad.map(([name]) => ({ path: name, message: `must be an id (a UUID)` }));
  }
  if (/JSON|Unexpected token|Unexpected end|Bad control character|Bad escaped/i.test(message)) return [{ path: '', message: `the body is not valid JSON: ${message}` }];
  return [{ path: '', message }];
}
