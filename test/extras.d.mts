// Types for extras.mjs.
export const vectorsDir: string;
export const VECTOR_FILES: Record<string, { method: 'streamUser' | 'streamDirect'; names: string[] }>;
export const VECTOR_MODES: ('whole' | '1-byte writes')[];
export function vectorTestTitles(): string[];
export interface Extra {
  file: string;
  what: string;
  titles: string[];
  present: boolean;
  reason: string | undefined;
}
export function extras(): Extra[];
