// The type bundle of the site's kernel (docs/site.md, "Type errors"): one JSON file, path → text, that the worker
// fetches from the site and type-checks each cell with (site/kernel/typecheck.ts). scripts/site.sh bundles this file
// for Node with esbuild and runs it:  node site-types.js OUT.json
//   - the .d.ts of the site's "lecture3" face (lib/browser/index.ts, lib/tsconfig.json's options), emitted in memory,
//     as the package /node_modules/lecture3 (its package.json's "types": browser/index.d.ts);
//   - every .d.ts that a cell importing "lecture3" and "@tensorflow/tfjs" reaches (TF.js's packages, their @types),
//     found by a program with the cells' own options, each under /node_modules/, with its package.json (the fields
//     module resolution reads);
//   - TypeScript's lib files that the cells' lib (ES2022) needs, under /lib/; site/kernel/cell-globals.d.ts;
//   - TypeScript's Japanese messages (lib/ja/diagnosticMessages.generated.json).
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { cellCompilerOptions, GLOBALS, type TypeBundle } from "../site/kernel/typecheck";

const fail = (what: string, diags: readonly ts.Diagnostic[]) => {
  const text = ts.formatDiagnostics(diags.slice(0, 10), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" });
  throw new Error(`[site] ${what}:\n${text}`);
};

/**
 * A declaration file without its comments (licence headers, JSDoc: half of TF.js's and ES5's text; the check reads
 * neither) and without blank lines; `/// <reference ...>` directives stay.
 */
export function stripComments(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, text);
  let out = "";
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const token = scanner.getTokenText();
    if (kind === ts.SyntaxKind.MultiLineCommentTrivia) out += token.includes("\n") ? "\n" : " ";
    else if (kind !== ts.SyntaxKind.SingleLineCommentTrivia || token.startsWith("///")) out += token;
  }
  return out.replace(/[ \t]+$/gm, "").replace(/\n{2,}/g, "\n");
}

export function buildTypeBundle(root: string): TypeBundle {
  const files: Record<string, string> = {};
  // 1. the "lecture3" face's declarations
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "lib", "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail("lib/tsconfig.json", [d]) });
  if (!config) throw new Error("[site] lib/tsconfig.json");
  const pkg = path.join(root, "node_modules", "lecture3");
  const face = ts.createProgram([path.join(root, "lib", "browser", "index.ts")], {
    ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false, sourceMap: false, declarationMap: false, outDir: pkg, rootDir: path.join(root, "lib"),
  });
  // (the library's type check is npm run typecheck's; here only what the declarations need: syntax and their emit)
  const faceDiags = face.getSyntacticDiagnostics();
  if (faceDiags.length) fail("lib/browser/index.ts", faceDiags);
  const virtual = new Map<string, string>(); // real path under node_modules/lecture3 → text
  const emitted = face.emit(undefined, (name, text) => void virtual.set(path.resolve(name), text));
  if (emitted.emitSkipped || emitted.diagnostics.length) fail("lib/browser/index.ts (declarations)", emitted.diagnostics);
  virtual.set(path.join(pkg, "package.json"), JSON.stringify({ name: "lecture3", types: "browser/index.d.ts" }));

  // 2. what a cell reaches, with the cells' options; lecture3 is the virtual package above (not the node face that
  // node_modules/lecture3 links to)
  const entry = path.join(root, "__cell__.ts");
  const globals = path.join(root, "site", "kernel", "cell-globals.d.ts");
  const options = cellCompilerOptions(ts);
  const host = ts.createCompilerHost(options, true);
  const inPkg = (f: string) => f === pkg || f.startsWith(pkg + path.sep);
  const packageJsons = new Set<string>();
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => {
    if (f === entry) return 'import "lecture3";\nimport "@tensorflow/tfjs";\n';
    if (inPkg(f)) return virtual.get(f);
    const text = readFile(f);
    if (text !== undefined && path.basename(f) === "package.json") packageJsons.add(f);
    return text;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === entry || (inPkg(f) ? virtual.has(f) : fileExists(f));
  host.realpath = (f) => f;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v, onError, create) => {
    if (f === entry || inPkg(f)) {
      const text = host.readFile(f);
      return text === undefined ? undefined : ts.createSourceFile(f, text, v);
    }
    return getSourceFile(f, v, onError, create);
  };
  const program = ts.createProgram([globals, entry], options, host);
  const diags = ts.getPreEmitDiagnostics(program, program.getSourceFile(entry));
  if (diags.length) fail("the type bundle's entry (import \"lecture3\", \"@tensorflow/tfjs\")", diags);
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const virtualPath = (f: string) => {
    f = path.resolve(f);
    if (f === globals) return GLOBALS;
    if (path.dirname(f) === libDir) return `/lib/${path.basename(f)}`;
    const parts = f.split(path.sep);
    const i = parts.lastIndexOf("node_modules");
    return i >= 0 ? "/" + parts.slice(i).join("/") : undefined;
  };
  for (const sf of program.getSourceFiles()) {
    if (path.resolve(sf.fileName) === entry) continue;
    const v = virtualPath(sf.fileName);
    if (!v) throw new Error(`[site] the type bundle reaches ${sf.fileName}, outside node_modules and TypeScript's lib`);
    files[v] = stripComments(sf.text);
    const parsed = ts.createSourceFile(v, files[v], ts.ScriptTarget.ES2022) as ts.SourceFile & { parseDiagnostics: ts.Diagnostic[] };
    if (parsed.parseDiagnostics.length) fail(`${v} without its comments`, parsed.parseDiagnostics);
  }
  // the package.json files module resolution read (only the fields it reads), of the packages that gave a file
  const dirs = new Set(Object.keys(files).map((f) => f.split("/").slice(0, f.startsWith("/node_modules/@") ? 4 : 3).join("/")));
  for (const f of packageJsons) {
    const v = virtualPath(f);
    if (!v || !dirs.has(path.posix.dirname(v))) continue;
    const { name, version, types, typings, main, typesVersions } = JSON.parse(host.readFile(f)!);
    files[v] = JSON.stringify({ name, version, types, typings, main, typesVersions });
  }
  files["/node_modules/lecture3/package.json"] = virtual.get(path.join(pkg, "package.json"))!;
  const ja = fs.readFileSync(path.join(libDir, "ja", "diagnosticMessages.generated.json"), "utf8");
  return { typescript: ts.version, files, ja };
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node site-types.js OUT.json");
  const t0 = Date.now();
  const bundle = buildTypeBundle(process.cwd());
  const text = JSON.stringify(bundle);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  const n = Object.keys(bundle.files).length;
  const kb = (s: number) => `${(s / 1024).toFixed(0)} kB`;
  const part = (p: string) => kb(Object.entries(bundle.files).filter(([f]) => f.startsWith(p)).reduce((s, [, t]) => s + t.length, 0));
  console.log(`[site] type bundle ${out}: ${kb(text.length)}, ${n} files (lib ${part("/lib/")}, lecture3 ${part("/node_modules/lecture3/")}, ` +
    `@tensorflow ${part("/node_modules/@tensorflow/")}, @webgpu/types ${part("/node_modules/@webgpu/")}), ja ${kb(bundle.ja!.length)}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
