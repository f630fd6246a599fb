/**
 * Replaces any of the given secrets (app key, app secret, access token) found in a text with
 * `***`, so a message KIS echoes back can go into an error without carrying them.
 */
export function withoutSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let clean = text
  for (const secret of secrets) {
    // Short values would mask ordinary words; real keys and tokens are long.
    if (secret !== undefined && secret.length >= 8) clean = clean.split(secret).join('***')
  }
  return clean
}
