/** Types of build.mjs, for TypeScript callers (the board's tests). */
export declare const SITE_DIR: string;
export declare function sourceStamp(): string;
export declare function isStale(): boolean;
export declare function buildBoard(opts?: { force?: boolean; log?: (m: string) => void }): Promise<{ built: boolean; seconds: number }>;
