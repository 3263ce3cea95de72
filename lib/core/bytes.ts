// Bytes as text: base64, as a saved model file and an image/png output carry them. btoa/atob exist in Node and in
// browsers; they work on "binary strings" (one character per byte), built here in slices to keep calls small.

/** The base64 text of `bytes` (exactly its bytes: a view into a larger buffer gives only the view's). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 `text`, in a buffer of their own. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
