/**
 * Where a paged answer continues. KIS keeps the paging position on its side for APIs paged
 * only by the `tr_cont` header (the next call repeats the same query with `tr_cont: N`), so the
 * simulator keeps one cursor per app key and query. A first call (blank `tr_cont`) starts over.
 */
export class ContinuationCursors {
  private readonly cursors = new Map<string, number>()

  constructor(private readonly limit = 1_000) {}

  /** The page to answer: the stored next page on `tr_cont: N`, else the first. */
  pageFor(key: string, trCont: string | undefined): number {
    return trCont?.trim().toUpperCase() === 'N' ? (this.cursors.get(key) ?? 0) : 0
  }

  /** Remembers the page after `page` when there is one, else forgets the query. */
  answered(key: string, page: number, hasMore: boolean): void {
    this.cursors.delete(key)
    if (!hasMore) return
    this.cursors.set(key, page + 1)
    if (this.cursors.size > this.limit) this.cursors.delete(this.cursors.keys().next().value as string)
  }

  clear(): void {
    this.cursors.clear()
  }
}

/** The response `tr_cont` of a page: F first page with more to come, M a later one with more, D the last. */
export function trContOf(page: number, hasMore: boolean): string {
  if (!hasMore) return 'D'
  return page === 0 ? 'F' : 'M'
}
