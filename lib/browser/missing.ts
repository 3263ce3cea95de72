// What the node face has and the site lacks (docs/site.md, "Which notebooks run in the site"): using one of these
// names throws a Japanese message naming it, instead of "undefined is not a function".

/** A name of the node face the site lacks: any use of it throws a Japanese message naming it. */
export function notInSite(name: string): never {
  throw new Error(`${name} はブラウザ版 (サイト) にはまだありません。このノートブックはローカル版 (npm run lab) で実行してください。ブラウザ版で動くノートブックは docs/site.md にあります。`);
}

/** A function of the node face the site lacks. */
export const missingFunction = (name: string) => async (..._args: unknown[]): Promise<never> => notInSite(name);

/**
 * A module of the node face (images, mobilenet) with the members the site has: any other member says it is missing.
 * Binding the module (a cell's import) throws nothing; nor does `then` (an awaited module is not a promise).
 */
export function partOfModule<T extends object>(name: string, members: T): T {
  return new Proxy(members, {
    get: (target, key) => (typeof key === "symbol" || key === "then" || key in target ? (target as Record<string | symbol, unknown>)[key] : notInSite(`${name}.${key}`)),
  });
}
