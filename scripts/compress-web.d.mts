export declare function compressDir(dir: string): Promise<{ count: number; before: number; br: number; gz: number; ms: number }>;
