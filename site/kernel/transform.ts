// A notebook cell (TypeScript) → the body of an async function that the worker runs.
// TypeScript only removes the types (transpileModule: no type check). Then every top-level declaration becomes an
// assignment to the kernel's scope object, so that later cells see it and a cell can run again:
//   import { a as b } from "m"   →  b = __import("m").a
//   const { x, y } = e           →  ({ x, y } = e)
//   function f() {}              →  f = function f() {}   (moved to the top, as JavaScript hoists it)
//   class C {}                   →  C = class C {}
// The body runs inside `with (__scope) { ... }`; the last expression of the cell is returned (tslab shows it).
import type * as TS from "typescript";

export interface Transformed {
  body: string; // the async function's body; its parameters are __scope and __import
  names: string[]; // the names the cell declares at top level
}

export class CellSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

export function transformCell(ts: typeof TS, code: string): Transformed {
  const out = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      useDefineForClassFields: true,
      verbatimModuleSyntax: true, // keep an import whose names this cell does not use: later cells use them
      removeComments: false,
    },
  });
  const diag = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
  if (diag) {
    const text = ts.flattenDiagnosticMessageText(diag.messageText, "\n");
    const line = diag.file && diag.start !== undefined ? diag.file.getLineAndCharacterOfPosition(diag.start).line + 1 : 0;
    throw new CellSyntaxError(`${line ? `${line} 行目: ` : ""}${text}`, line);
  }
  const js = out.outputText.replace(/^export \{\};\s*$/m, "");
  const sf = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const names = new Set<string>();
  const hoisted: string[] = [];
  const body: string[] = [];
  const text = (n: TS.Node) => js.slice(n.getStart(sf), n.end);
  const bindingNames = (n: TS.BindingName) => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bindingNames(e.name);
  };
  const stripExport = (n: TS.Node) => text(n).replace(/^export\s+(default\s+)?/, "");
  const statements = sf.statements;
  statements.forEach((s, i) => {
    const last = i === statements.length - 1;
    if (ts.isImportDeclaration(s)) {
      const m = (s.moduleSpecifier as TS.StringLiteral).text;
      const mod = `__import(${JSON.stringify(m)})`;
      const c = s.importClause;
      if (!c) return void body.push(`${mod};`);
      if (c.isTypeOnly) return;
      if (c.name) {
        names.add(c.name.text);
        body.push(`${c.name.text} = ${mod}.default;`);
      }
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        names.add(nb.name.text);
        body.push(`${nb.name.text} = ${mod};`);
      } else if (nb) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          const from = (el.propertyName ?? el.name).text;
          names.add(el.name.text);
          body.push(`${el.name.text} = ${mod}[${JSON.stringify(from)}];`);
        }
      }
    } else if (ts.isExportDeclaration(s) || ts.isExportAssignment(s)) {
      // nothing to export from a cell
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        bindingNames(d.name);
        const init = d.initializer ? text(d.initializer) : "undefined";
        if (ts.isIdentifier(d.name)) body.push(`${d.name.text} = ${init};`);
        else if (d.initializer) body.push(`(${text(d.name)} = ${init});`);
      }
    } else if (ts.isFunctionDeclaration(s) && s.name) {
      names.add(s.name.text);
      hoisted.push(`${s.name.text} = ${stripExport(s)};`);
    } else if (ts.isClassDeclaration(s) && s.name) {
      names.add(s.name.text);
      body.push(`${s.name.text} = ${stripExport(s)};`);
    } else if (last && ts.isExpressionStatement(s)) {
      body.push(`return (${text(s.expression)});`);
    } else {
      body.push(text(s));
    }
  });
  return { body: `with (__scope) {\n${[...hoisted, ...body].join("\n")}\n}`, names: [...names] };
}
