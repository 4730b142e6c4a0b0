import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { InvalidQueryError } from '@tinysweep/db';
import { SpecError } from '@tinysweep/spec';
import type { Response } from 'express';

/**
 * Domain errors become 400s of one shape: `{ statusCode, message, issues: [{ path, message }] }`,
 * so every client (CLI, board) can show the field and the reason.
 */
@Catch(SpecError, InvalidQueryError)
export class DomainExceptionFilter implements ExceptionFilter {
  catch(err: SpecError | InvalidQueryError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof SpecError) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'invalid sweep spec', issues: err.issues });
      return;
    }
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: err.message, issues: [{ path: err.field, message: err.message }] });
  }
}
