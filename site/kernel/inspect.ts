// console.log's formatting, as Node prints the values the notebooks log (strings as they are at top level, arrays
// as [ 1, 2 ], objects as { a: 1 }); a short, plain version of Node's util.inspect.
export function inspect(v: unknown, depth = 0, top = true): string {
  if (typeof v === "string") return top ? v : `'${v}'`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === undefined || v === null || typeof v === "boolean" || typeof v === "symbol") return String(v);
  if (typeof v === "function") return `[Function: ${v.name || "(anonymous)"}]`;
  if (v instanceof Error) return v.stack ?? `${v.name}: ${v.message}`;
  if (depth > 2) return Array.isArray(v) ? "[Array]" : "[Object]";
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = Array.from(v as unknown as ArrayLike<number>);
    return `${v.constructor.name}(${a.length}) [ ${a.slice(0, 100).map((x) => inspect(x, depth + 1, false)).join(", ")}${a.length > 100 ? ", ..." : ""} ]`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const items = v.slice(0, 100).map((x) => inspect(x, depth + 1, false));
    if (v.length > 100) items.push(`... ${v.length - 100} more items`);
    return `[ ${items.join(", ")} ]`;
  }
  if (v instanceof Map) return `Map(${v.size}) { ${[...v].map(([k, x]) => `${inspect(k, depth + 1, false)} => ${inspect(x, depth + 1, false)}`).join(", ")} }`;
  if (v instanceof Set) return `Set(${v.size}) { ${[...v].map((x) => inspect(x, depth + 1, false)).join(", ")} }`;
  const o = v as Record<string, unknown>;
  if (typeof (o as { toString?: unknown }).toString === "function" && o.toString !== Object.prototype.toString) {
    const s = String(o);
    if (!s.startsWith("[object")) return s; // tf.Tensor prints itself
  }
  const keys = Object.keys(o);
  const name = o.constructor && o.constructor !== Object ? `${o.constructor.name} ` : "";
  if (keys.length === 0) return `${name}{}`;
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return `${name}{ ${keys.map((k) => `${key(k)}: ${inspect(o[k], depth + 1, false)}`).join(", ")} }`;
}
