export interface ApiRequestTiming {
  /** Path and query, the sweep id replaced by `:id`. */
  path: string;
  /** Ms since navigation start: asked for, sent, first byte, done. */
  at: number;
  sent: number;
  ttfb: number;
  end: number;
}

export declare function median(xs: number[]): number;

export declare function measureSweepPage(o: {
  apiUrl: string;
  /** The API token the board uses. */
  token?: string;
  sweepId: string;
  freshSweepIds?: string[];
  /** Sweeps with no board snapshot, each opened once after the first loads. */
  coldSweepIds?: string[];
  warmupSweepId?: string;
  opens?: number;
  pages?: number;
  timeoutMs?: number;
  log?: (m: string) => void;
}): Promise<{
  first_opens: number[];
  first_open_ms: number;
  repeat_opens: number[];
  sweep_page_ms: number;
  first_requests: ApiRequestTiming[][];
  cold_opens: number[];
  cold_requests: ApiRequestTiming[][];
  repeat_requests: ApiRequestTiming[][];
  table_pages: number[];
  table_page_ms: number;
  sort_ms: number;
  dom_nodes: number;
  canvases: number;
  errors: string[];
}>;

export declare function requestMedians(loads: ApiRequestTiming[][]): (Omit<ApiRequestTiming, 'path'> & { path: string; count: number })[];
