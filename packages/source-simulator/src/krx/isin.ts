/**
 * ISIN check digit (ISO 6166): letters become two digits (A=10 … Z=35), then the Luhn sum,
 * doubling every other digit starting from the rightmost one.
 */
export function isinCheckDigit(body: string): string {
  let digits = ''
  for (const char of body) digits += char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char
  let sum = 0
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = Number(digits[i])
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return String((10 - (sum % 10)) % 10)
}
