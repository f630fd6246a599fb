import { unitHash } from '../random.ts'

/** A 32-bit number from a text (FNV-1a), so per-security choices can hang off its code or ISIN. */
export function textHash(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}

/** A uniform number in [0, 1) for (text, purpose, n). */
export function textUnit(text: string, salt: number, n = 0): number {
  return unitHash(textHash(text), salt, n, 0x5ec7)
}
