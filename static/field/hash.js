// SHA-256 of photos and videos, taken on the laptop piece by piece (crypto.subtle cannot hash
// incrementally): a file is never read whole into memory to be hashed.
import { bytesToHex, sha256 } from "../vendor/noble-hashes-2.4.0/sha256.js";

const PIECE = 1024 * 1024;

export function hasher() {
  const state = sha256.create();
  return {
    update(buffer) { state.update(new Uint8Array(buffer)); },
    hex() { return bytesToHex(state.digest()); },
  };
}

// The hash of Blobs read one after another, a megabyte at a time.
export async function hashParts(parts) {
  const h = hasher();
  for (const part of parts) {
    for (let at = 0; at < part.size; at += PIECE) {
      h.update(await part.slice(at, at + PIECE).arrayBuffer());
    }
  }
  return h.hex();
}
