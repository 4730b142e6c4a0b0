export declare function measureSweepPage(o: {
  apiUrl: string;
  sweepId: string;
  warmupSweepId?: string;
  opens?: number;
  pages?: number;
  timeoutMs?: number;
  log?: (m: string) => void;
}): Promise<{
  opens: number[];
  first_open_ms: number;
  sweep_page_ms: number;
  table_pages: number[];
  table_page_ms: number;
  sort_ms: number;
  dom_nodes: number;
  canvases: number;
  errors: string[];
}>;
