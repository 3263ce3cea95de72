// Node's crypto.randomBytes for the browser bundle (the library names display ids with it).
export function randomBytes(n: number): { toString(enc: "hex"): string } {
  const b = self.crypto.getRandomValues(new Uint8Array(n));
  return { toString: () => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("") };
}
