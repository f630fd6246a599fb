import { describe, expect, test } from 'vitest'
import { formatBytes, formatPairs, formatTable, paintStatuses } from '../src/table.ts'

describe('the CLI table printer', () => {
  test('columns under their names, numbers right-aligned, no index column and no quotes', () => {
    const table = formatTable([
      { dataset: 'ohlcv_daily', promoted: 2720, latest: '2025-11-11' },
      { dataset: 'stocks', promoted: 12, latest: null },
    ])
    expect(table).toBe(
      [
        'dataset      promoted  latest',
        '-----------  --------  ----------',
        'ohlcv_daily      2720  2025-11-11',
        'stocks             12  -',
      ].join('\n'),
    )
  })

  test('numeric text from the database aligns like a number', () => {
    expect(formatTable([{ close: '71500.00' }, { close: '900.50' }]).split('\n').slice(2)).toEqual(['71500.00', '  900.50'])
  })

  test('name/value pairs without a header; no rows print nothing', () => {
    expect(formatPairs({ 'partitions in range': 10, 'rows/s': 1234, elapsed: '1m 2s' })).toBe(['partitions in range    10', 'rows/s               1234', 'elapsed              1m 2s'].join('\n'))
    expect(formatTable([])).toBe('')
  })
})

describe('statuses in colour', () => {
  test('painted on a terminal, plain when piped or under NO_COLOR', () => {
    const line = 'ohlcv_daily 2025-11-11 from krx: PARTIAL (then naver SUCCESS)'
    const painted = paintStatuses(line, { isTTY: true })
    expect(painted).toContain('\u001b[33mPARTIAL\u001b[39m')
    expect(painted).toContain('\u001b[32mSUCCESS\u001b[39m')
    expect(paintStatuses(line, { isTTY: false })).toBe(line)
    const before = process.env.NO_COLOR
    process.env.NO_COLOR = '1'
    try {
      expect(paintStatuses(line, { isTTY: true })).toBe(line)
    } finally {
      if (before === undefined) delete process.env.NO_COLOR
      else process.env.NO_COLOR = before
    }
  })
})

describe('formatBytes', () => {
  test('sizes in steps of 1024, one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 bytes')
    expect(formatBytes(1023)).toBe('1023 bytes')
    expect(formatBytes(8192)).toBe('8.0 kB')
    expect(formatBytes(356 * 1024 * 1024)).toBe('356 MB')
    expect(formatBytes(2.4 * 1024 ** 3)).toBe('2.4 GB')
  })
})
