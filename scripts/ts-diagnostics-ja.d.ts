// Types of scripts/ts-diagnostics-ja.js (CommonJS, shared by the tslab preload and the site's kernel worker).
export interface CellDiagnostic {
  start: { line: number; character: number; offset?: number };
  end?: { line: number; character: number; offset?: number };
  messageText: string;
  code: number;
  category?: number;
}
export function explain(d: CellDiagnostic, src: string): string | null;
export function localize<D extends CellDiagnostic>(diagnostics: D[], src: string): D[];
export function format(d: CellDiagnostic): string;
