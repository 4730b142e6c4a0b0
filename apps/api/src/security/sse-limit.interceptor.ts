import { HttpException, HttpStatus, Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { finalize, type Observable } from 'rxjs';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';

/**
 * At most TINYSWEEP_SSE_PER_CLIENT server-sent event streams open at once per client address; one
 * more gets 429. (A concurrency cap, which rate limiters such as express-rate-limit do not keep: they
 * count requests per window, and a stream is one request that stays open.)
 */
@Injectable()
export class SseLimitInterceptor implements NestInterceptor {
  private readonly open = new Map<string, number>();
  private readonly max: number;

  constructor(@Inject(API_CONFIG) config: Pick<ApiConfig, 'TINYSWEEP_SSE_PER_CLIENT'>) {
    this.max = config.TINYSWEEP_SSE_PER_CLIENT;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const client = req.socket.remoteAddress ?? 'unknown';
    const count = this.open.get(client) ?? 0;
    if (count >= this.max) {
      throw new HttpException(
        { statusCode: 429, error: 'Too Many Requests', message: `at most ${this.max} event streams at once per client (TINYSWEEP_SSE_PER_CLIENT); close one first` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.open.set(client, count + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left <= 0) this.open.delete(client);
      else this.open.set(client, left);
    };
    return next.handle().pipe(finalize(release));
  }

  /** Streams open now for `client` (tests). */
  openFor(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
