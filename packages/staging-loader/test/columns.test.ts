import { describe, expect, test } from 'vitest'
import { copyColumns, stagingColumnType } from '../src/columns.ts'

describe('staging columns from the dataset definitions', () => {
  test('COPY lists bookkeeping, the staged columns in definition order, then raw and parse errors', () => {
    expect(copyColumns('market_calendar')).toEqual(['batch_id', 'row_number', 'trade_date', 'is_trading_day', 'holiday_name', 'raw', 'parse_errors'])
  })

  test('types follow the column kind: counts are staged as numeric, so a 65-bit value lands and is rejected alone', () => {
    expect(stagingColumnType('ohlcv_daily', 'volume')).toBe('numeric')
    expect(stagingColumnType('ohlcv_daily', 'close_price')).toBe('numeric')
    expect(stagingColumnType('ohlcv_daily', 'time')).toBe('date')
    expect(stagingColumnType('market_calendar', 'is_trading_day')).toBe('boolean')
    expect(stagingColumnType('stocks', 'sector_name')).toBe('text')
  })

  test('a column the dataset does not stage is an error, not text', () => {
    expect(() => stagingColumnType('ohlcv_daily', 'market_cap')).toThrow('staging.ohlcv_daily has no column "market_cap"')
    expect(() => stagingColumnType('stocks', 'is_active')).toThrow('staging.stocks has no column "is_active"')
  })
})
