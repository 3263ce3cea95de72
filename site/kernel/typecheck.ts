// The type check of a notebook cell in the site's kernel, as tslab checks it (tslab 1.0.22, dist/converter.js), with
// the TypeScript compiler bundled into the worker and an in-memory file system: the type bundle that
// scripts/site-types.ts writes at build time (TypeScript's ES2022 lib files, cell-globals.d.ts, the .d.ts of the site's
// "lecture3" face and of "@tensorflow/tfjs", TypeScript's Japanese messages).
//
// The cells that ran before are a declaration file, the prelude (tslab's "__prev__.d.ts"): a cell is the module
// "/__tslab__.ts" (`export {};` in front, `export { every top-level name }` behind) whose parent is the prelude, so the
// checker finds an earlier cell's names after the cell's own ones (a cell that declares `const x` again shadows the old
// `x`: no duplicate). After a cell ran, the prelude becomes the cell's emitted declarations plus the prelude's
// declarations that the cell did not declare again (tslab's remainingDecls). The program is built anew for each cell
// on the same parsed SourceFiles (lib and package files are parsed and bound once), with the old program for reuse.
//
// One difference from tslab: tslab keeps the prelude of a cell that failed when it ran (an exception, Kernel >
// Interrupt) as it was; here the cell's declarations join it, because the worker's scope keeps the cell's names (02's
// interrupted training leaves `i` and `loss_log` for the next cells: test/site/site.spec.js).
import type * as TS from "typescript";
import { localize, format, type CellDiagnostic } from "../../scripts/ts-diagnostics-ja.js";

export { format };
export type { CellDiagnostic };

/** What scripts/site-types.ts writes (site/_output/.../types.json): path → text of each file, and TypeScript's `ja` messages. */
export interface TypeBundle {
  typescript: string; // the version the lib files come from
  files: Record<string, string>;
  ja?: string; // typescript/lib/ja/diagnosticMessages.generated.json
}

export const GLOBALS = "/cell-globals.d.ts";
const SRC = "/__tslab__.ts";
const DECL = "/__prev__.d.ts";
const PREFIX = "export {};\n"; // a cell is a module (tslab's srcPrefix)

/** tslab's compiler options (createConverter; Node 18 and later: ES2022), without what only its emit needs. */
export function cellCompilerOptions(ts: typeof TS): TS.CompilerOptions {
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    newLine: ts.NewLineKind.LineFeed,
    experimentalDecorators: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    types: [], // no @types folder: the globals are cell-globals.d.ts
    libReplacement: false, // no look-up of @typescript/lib-* packages
    outDir: "/out",
  } as TS.CompilerOptions;
}

/** Sets TypeScript's messages to Japanese from the bundle (what ts.validateLocaleAndSetLanguage("ja", ts.sys) does in node). */
export function setJapanese(ts: typeof TS, ja: string): void {
  const exe = "/typescript/lib/typescript.js";
  const file = "/typescript/lib/ja/diagnosticMessages.generated.json";
  ts.validateLocaleAndSetLanguage("ja", {
    getExecutingFilePath: () => exe,
    resolvePath: (p) => p,
    fileExists: (p) => p === file,
    readFile: (p) => (p === file ? ja : undefined),
  });
}

/** The names a cell declares at its top level (what the binder puts into the module's locals), exported ones aside. */
function topLevelNames(ts: typeof TS, sf: TS.SourceFile): string[] {
  const names = new Set<string>();
  const binding = (n: TS.BindingName) => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) binding(e.name);
  };
  const exported = (s: TS.Statement) => ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const s of sf.statements) {
    if (exported(s)) continue;
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) binding(d.name);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
    else if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s) || ts.isImportEqualsDeclaration(s)) names.add(s.name.text);
    else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) names.add(c.name.text);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.add(c.namedBindings.name.text);
      else if (c.namedBindings) for (const e of c.namedBindings.elements) names.add(e.name.text);
    }
  }
  return [...names];
}

/**
 * The error a cell with type errors answers, as the tslab edition's (scripts/tslab-preload.js: tslab prints each
 * diagnostic as "%s%d:%d - %s", the preload keeps them): ename TypeScriptError, evalue the first diagnostic's first
 * line ("2:19 - ..."), the traceback every diagnostic's lines.
 */
export function typeErrorReply(diagnostics: CellDiagnostic[]): { ename: string; evalue: string; traceback: string[] } {
  const texts = diagnostics.map(format);
  return { ename: "TypeScriptError", evalue: texts[0].split("\n")[0], traceback: texts.flatMap((t) => t.split("\n")) };
}

export interface CellCheck {
  /** the cell's diagnostics, tslab's shape, with the Japanese lines (scripts/ts-diagnostics-ja.js); empty: it may run */
  diagnostics: CellDiagnostic[];
  /** the cell ran: its declarations join the prelude that later cells are checked with */
  commit(): void;
  ms: number; // how long the check took
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class CellChecker {
  private prelude = "";
  private readonly cache = new Map<string, TS.SourceFile>();
  private readonly dirs = new Set<string>(["/"]);
  private program: TS.Program | undefined;
  private readonly options: TS.CompilerOptions;
  private readonly host: TS.CompilerHost;
  private src = "";
  private decl = "";

  constructor(private readonly ts: typeof TS, private readonly bundle: TypeBundle) {
    this.options = cellCompilerOptions(ts);
    for (const f of Object.keys(bundle.files)) for (let d = f.slice(0, f.lastIndexOf("/")); d; d = d.slice(0, d.lastIndexOf("/"))) this.dirs.add(d);
    const files = bundle.files;
    this.host = {
      getSourceFile: (name, languageVersion) => {
        if (name === SRC) return ts.createSourceFile(SRC, this.src, languageVersion, true, ts.ScriptKind.TS);
        if (name === DECL) return ts.createSourceFile(DECL, this.decl, languageVersion, true, ts.ScriptKind.TS);
        let sf = this.cache.get(name);
        if (!sf && name in files) this.cache.set(name, (sf = ts.createSourceFile(name, files[name], languageVersion, false)));
        return sf;
      },
      getDefaultLibFileName: () => "/lib/lib.d.ts",
      getDefaultLibLocation: () => "/lib",
      writeFile: () => undefined,
      getCurrentDirectory: () => "/",
      getCanonicalFileName: (f) => f,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      fileExists: (f) => f === SRC || f === DECL || f in files,
      readFile: (f) => (f === SRC ? this.src : f === DECL ? this.decl : files[f]),
      directoryExists: (d) => this.dirs.has(d.replace(/\/$/, "") || "/"),
      getDirectories: () => [],
      realpath: (p) => p,
    };
  }

  /** Forgets the cells that ran (a kernel restart). */
  reset(): void {
    this.prelude = "";
  }

  /** Type-checks a cell against the cells that ran before it. */
  check(code: string): CellCheck {
    const ts = this.ts;
    const t0 = Date.now();
    const names = topLevelNames(ts, ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS));
    this.src = PREFIX + code + (names.length ? `\nexport { ${names.join(", ")} }` : "");
    this.decl = PREFIX + this.prelude;
    const program = ts.createProgram({ rootNames: [GLOBALS, DECL, SRC], options: this.options, host: this.host, oldProgram: this.program });
    this.program = program;
    const srcFile = program.getSourceFile(SRC)!;
    const declsFile = program.getSourceFile(DECL)!;
    (srcFile as Mutable<TS.SourceFile> & { parent: TS.Node }).parent = declsFile; // tslab: the prelude's names are seen after the cell's own
    const found = ts.getPreEmitDiagnostics(program, srcFile).filter((d) => d.file === srcFile && d.start !== undefined);
    const diagnostics: CellDiagnostic[] = [];
    for (const d of found) {
      const pos = srcFile.getLineAndCharacterOfPosition(d.start!);
      const start = { line: pos.line - 1, character: pos.character }; // the prefix is one line
      // a message chain is one diagnostic a link, each at the same place (tslab's traverseDiagnosticMessageChain)
      const chain = (m: string | TS.DiagnosticMessageChain, code: number) => {
        if (typeof m === "string") return void diagnostics.push({ start, messageText: m, code, category: d.category });
        diagnostics.push({ start, messageText: m.messageText, code: m.code, category: m.category });
        for (const next of m.next ?? []) chain(next, next.code);
      };
      chain(d.messageText, d.code);
    }
    localize(diagnostics, code);
    let committed = false;
    const commit = () => {
      if (committed || diagnostics.length > 0) return;
      committed = true;
      this.prelude = this.declarations(program, srcFile, declsFile);
    };
    return { diagnostics, commit, ms: Date.now() - t0 };
  }

  /** The prelude after the cell ran: its declarations (emitted), then the old prelude's that it did not declare again. */
  private declarations(program: TS.Program, srcFile: TS.SourceFile, declsFile: TS.SourceFile): string {
    const ts = this.ts;
    let out = "";
    const dropExports = () => (node: TS.SourceFile | TS.Bundle) => {
      if (ts.isSourceFile(node)) (node as Mutable<TS.SourceFile>).statements = ts.factory.createNodeArray(node.statements.filter((s) => !ts.isExportDeclaration(s)));
      return node;
    };
    program.emit(srcFile, (name, text) => {
      if (name.endsWith(".d.ts")) out = text;
    }, undefined, true, { afterDeclarations: [dropExports as unknown as TS.TransformerFactory<TS.SourceFile | TS.Bundle>] });
    return out + remainingDecls(ts, program.getTypeChecker(), srcFile, declsFile);
  }
}

// tslab's remainingDecls (dist/converter.js), typed: the prelude's statements whose names the cell did not declare
// again (a value, a type, or both), the others dropped, printed as a declaration file.
type Locals = Map<string, TS.Symbol>;
function remainingDecls(ts: typeof TS, checker: TS.TypeChecker, srcSF: TS.SourceFile, declsSF: TS.SourceFile): string {
  const declLocals = (declsSF as unknown as { locals?: Locals }).locals;
  const locals = (srcSF as unknown as { locals?: Locals }).locals ?? new Map();
  if (!declLocals) return "";
  const keepMap = new Map<TS.Node, Set<string>>();
  const addName = (node: TS.Node, name: string) => {
    let set = keepMap.get(node);
    if (!set) keepMap.set(node, (set = new Set()));
    set.add(name);
  };
  const valueNames = new Set<string>();
  const anyVars = new Set<string>();
  const keepOf = (symb: TS.Symbol | undefined) => {
    const ret = { value: true, type: true };
    if (!symb) return ret;
    if (symb.flags & ts.SymbolFlags.Alias) symb = checker.getAliasedSymbol(symb);
    if (symb.flags & ts.SymbolFlags.Value) ret.value = false;
    if (symb.flags & ts.SymbolFlags.Type) ret.type = false;
    return ret;
  };
  declLocals.forEach((sym, key) => {
    const keep = keepOf(locals.get(key));
    if (!keep.type && !keep.value) return;
    for (const decl of sym.declarations ?? []) {
      let node: TS.Node = decl;
      while (node.parent !== declsSF) node = node.parent;
      if (node.kind === ts.SyntaxKind.VariableStatement) {
        if (keep.value) {
          addName(node, key);
          anyVars.delete(key);
          valueNames.add(key);
        }
        continue;
      }
      if (ts.isTypeAliasDeclaration(node)) {
        if (keep.type) addName(node, key);
        continue;
      }
      if (ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) {
        if (keep.type) {
          if (keep.value) addName(node, key);
          continue;
        }
        const n = (node.name as TS.Identifier).text;
        if (!valueNames.has(n)) anyVars.add(n);
        continue;
      }
      if (ts.isImportDeclaration(node)) {
        if (keep.type && keep.value) {
          addName(node, key);
          continue;
        }
        const aliased = checker.getAliasedSymbol(sym);
        if (!keep.value) {
          if (aliased.flags & ts.SymbolFlags.Value) continue;
          if (aliased.flags & ts.SymbolFlags.Type) addName(node, key);
          continue;
        }
        if (aliased.flags & ts.SymbolFlags.Type) {
          if (aliased.flags & ts.SymbolFlags.Value && !valueNames.has(aliased.name)) anyVars.add(aliased.name);
          continue;
        }
        addName(node, key);
        continue;
      }
      if (ts.isFunctionDeclaration(node)) {
        if (keep.value) addName(node, key);
        continue;
      }
      if (ts.isInterfaceDeclaration(node) && keep.type) addName(node, key);
    }
  });
  const statements: TS.Statement[] = [];
  for (const stmt of declsSF.statements) {
    const names = keepMap.get(stmt);
    if (!names) continue;
    statements.push(stmt);
    if (ts.isVariableStatement(stmt)) {
      const decls = stmt.declarationList.declarations.filter((d) => ts.isIdentifier(d.name) && names.has(d.name.text));
      (stmt.declarationList as Mutable<TS.VariableDeclarationList>).declarations = ts.factory.createNodeArray(decls);
    }
    if (ts.isImportDeclaration(stmt)) keepNamesInImport(ts, stmt, names);
  }
  (declsSF as Mutable<TS.SourceFile>).statements = ts.factory.createNodeArray(statements);
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  return printer.printFile(declsSF) + [...anyVars].map((name) => `let ${name}: any;\n`).join("");
}

function keepNamesInImport(ts: typeof TS, im: TS.ImportDeclaration, names: Set<string>): void {
  const imc = im.importClause as Mutable<TS.ImportClause> | undefined;
  if (!imc) return;
  if (imc.name && !names.has(imc.name.text)) imc.name = undefined;
  if (imc.namedBindings) {
    if (ts.isNamespaceImport(imc.namedBindings)) {
      if (!names.has(imc.namedBindings.name.text)) imc.namedBindings = undefined;
    } else {
      const elms = imc.namedBindings.elements.filter((e) => names.has(e.name.text));
      if (elms.length) (imc.namedBindings as Mutable<TS.NamedImports>).elements = ts.factory.createNodeArray(elms);
      else imc.namedBindings = undefined;
    }
  }
}
