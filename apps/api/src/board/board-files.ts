import { Inject, Injectable } from '@nestjs/common';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenStore } from '@tinysweep/access';
import { API_TOKENS } from '../auth/api-tokens.js';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';

/** apps/board's build, beside this app: apps/api/{src,dist}/board → apps/board/dist/site. */
export const DEFAULT_BOARD_DIR = fileURLToPath(new URL('../../../board/dist/site/', import.meta.url));

/** Written into index.html so the board knows, before any request, whether the API needs a token. */
const TOKEN_META = /<meta name="tinysweep-token-required" content="[^"]*"\s*\/?>/;

/** A static file ready to send: its path, type, and a precompressed sibling the client accepts. */
export interface StaticFile {
  path: string;
  /** Extension that decides the Content-Type ('.js', '.css', …). */
  ext: string;
  /** 'br' or 'gzip' when `path` is the compressed sibling. */
  encoding?: 'br' | 'gzip';
}

/**
 * The board's built files (TINYSWEEP_BOARD_DIR, else apps/board/dist/site). index.html is read
 * once per change of its mtime and gets the token flag written in; assets are served as files,
 * their precompressed `.br` / `.gz` siblings when the client accepts them.
 */
@Injectable()
export class BoardFiles {
  readonly dir: string;
  readonly tokenRequired: boolean;
  private cached?: { mtimeMs: number; html: string };

  constructor(@Inject(API_CONFIG) config: Pick<ApiConfig, 'TINYSWEEP_BOARD_DIR'>, @Inject(API_TOKENS) tokens: Pick<TokenStore, 'size'>) {
    this.dir = resolve(config.TINYSWEEP_BOARD_DIR ?? DEFAULT_BOARD_DIR);
    this.tokenRequired = tokens.size > 0;
  }

  /** index.html with the token flag, or null when the board is not built. */
  indexHtml(): string | null {
    const file = join(this.dir, 'index.html');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    if (this.cached?.mtimeMs !== mtimeMs) {
      const html = readFileSync(file, 'utf8').replace(TOKEN_META, `<meta name="tinysweep-token-required" content="${this.tokenRequired}">`);
      this.cached = { mtimeMs, html };
    }
    return this.cached.html;
  }

  /**
   * A file under the board folder for a URL path such as `/assets/index-3f2a.js`, or null when
   * there is none (or the path tries to leave the folder).
   */
  find(urlPath: string, acceptEncoding = ''): StaticFile | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    const path = normalize(join(this.dir, decoded));
    if (!path.startsWith(this.dir + sep)) return null;
    if (!isFile(path)) return null;
    const ext = extname(path);
    const accepts = (coding: string) => acceptsEncoding(acceptEncoding, coding);
    if (accepts('br') && isFile(`${path}.br`)) return { path: `${path}.br`, ext, encoding: 'br' };
    if (accepts('gzip') && isFile(`${path}.gz`)) return { path: `${path}.gz`, ext, encoding: 'gzip' };
    return { path, ext };
  }

  get built(): boolean {
    return existsSync(join(this.dir, 'index.html'));
  }
}

/** Whether an Accept-Encoding header allows `coding` (listed, or `*`, with q > 0). */
export function acceptsEncoding(header: string, coding: string): boolean {
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...opts] = part.trim().toLowerCase().split(';');
    const q = opts.map((o) => o.trim()).find((o) => o.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name === coding) return weight > 0;
    if (name === '*') star = weight > 0;
  }
  return star;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
