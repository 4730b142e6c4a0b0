import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from '../auth/access.js';
import { BoardFiles } from './board-files.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>tinysweep</title>
<p>The results board is not built. Run <code>node scripts/setup.mjs</code> (or <code>npm run build -w @tinysweep/board</code>)
and reload; the API itself is at <a href="/docs">/docs</a>.</p>`;

/**
 * The board's static files. Its pages live at `/` and under `/board/…` (client-side routes, all
 * answered with index.html), its assets under `/assets/…`: paths no API route uses, so the board
 * can never shadow an API route, and an unknown API path still gets the API's JSON 404.
 */
@ApiExcludeController()
@Access('public') // static files only; every datum the board shows comes from routes that need a token
@Controller()
export class BoardStaticController {
  constructor(@Inject(BoardFiles) private readonly files: BoardFiles) {}

  @Get()
  root(@Res() res: Response): void {
    this.sendIndex(res);
  }

  @Get(['board', 'board/*path'])
  page(@Res() res: Response): void {
    this.sendIndex(res);
  }

  @Get(['assets/*path', 'favicon.svg'])
  asset(@Req() req: Request, @Res() res: Response): void {
    const file = this.files.find(req.path, String(req.headers['accept-encoding'] ?? ''));
    if (!file) {
      res.status(404).json({ statusCode: 404, message: `Cannot GET ${req.path}`, error: 'Not Found' });
      return;
    }
    res.type(file.ext);
    res.vary('Accept-Encoding');
    if (file.encoding) res.setHeader('Content-Encoding', file.encoding);
    // Vite puts a content hash in every asset name: they never change under the same URL.
    const hashed = req.path.startsWith('/assets/');
    res.sendFile(file.path, { maxAge: hashed ? '365d' : '1h', immutable: hashed, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) res.status(404).json({ statusCode: 404, message: `Cannot GET ${req.path}`, error: 'Not Found' });
    });
  }

  private sendIndex(res: Response): void {
    const html = this.files.indexHtml();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html');
    if (html === null) {
      res.status(503).send(NOT_BUILT);
      return;
    }
    res.send(html);
  }
}
