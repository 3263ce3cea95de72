// Node's path for the browser bundle: file names in the site's storage are plain "folder/name" strings.
const norm = (p: string) => p.split("/").filter((s, i) => s !== "" && s !== "." || i === 0).join("/") || ".";
export const sep = "/";
export const dirname = (p: string) => (p.includes("/") ? norm(p.slice(0, p.lastIndexOf("/"))) : ".");
export const basename = (p: string, ext?: string) => { const b = p.slice(p.lastIndexOf("/") + 1); return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b; };
export const join = (...ps: string[]) => norm(ps.join("/"));
export const resolve = (...ps: string[]) => norm(ps.join("/"));
export const extname = (p: string) => { const b = basename(p); const i = b.lastIndexOf("."); return i > 0 ? b.slice(i) : ""; };
export default { sep, dirname, basename, join, resolve, extname };
