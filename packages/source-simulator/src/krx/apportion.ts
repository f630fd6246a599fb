/**
 * Splits a whole number into whole parts proportional to weights, with the parts summing to
 * exactly the total (largest remainder). Zero weights always get zero. The zero-sum identity of
 * investor flows rests on this exactness.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
  const parts = weights.map(() => 0)
  if (total === 0 || weightSum === 0) return parts
  const remainders: Array<[index: number, remainder: number]> = []
  let assigned = 0
  weights.forEach((weight, index) => {
    if (weight <= 0) return
    const share = (total * weight) / weightSum
    parts[index] = Math.floor(share)
    assigned += parts[index]
    remainders.push([index, share - Math.floor(share)])
  })
  remainders.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  // Floating-point shares can leave the floors a unit above or below the total: settle it here.
  let left = total - assigned
  for (let i = 0; left > 0; i = (i + 1) % remainders.length, left--) parts[remainders[i]![0]]! += 1
  for (let i = remainders.length - 1; left < 0; i = (i - 1 + remainders.length) % remainders.length) {
    const index = remainders[i]![0]
    if (parts[index]! > 0) {
      parts[index]! -= 1
      left++
    }
  }
  return parts
}
