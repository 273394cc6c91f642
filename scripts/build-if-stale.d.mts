export declare const repoRoot: string;
export declare const targets: Record<'server' | 'web', { script: string; sources: string[]; output: string; clean: string[] }>;
export declare function staleReason(name: 'server' | 'web', root?: string): string | null;
export declare function buildIfStale(opts?: {
  root?: string;
  only?: Array<'server' | 'web'>;
  log?: (line: string) => void;
}): Promise<Array<'server' | 'web'>>;
