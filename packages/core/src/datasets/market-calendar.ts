import type { DatasetDefinition, ValuesOf } from './definition.ts'

export const marketCalendar = {
  name: 'market_calendar',
  kind: 'reference',
  productionTable: 'market_calendar',
  stagingTable: 'staging.market_calendar',
  description: 'Whether KRX trades on a day, and its hours',
  columns: {
    trade_date: { kind: 'date', production: 'date' },
    is_trading_day: { kind: 'boolean', production: 'boolean' },
    open_time: { kind: 'text', production: 'time', staged: false, nullable: true },
    close_time: { kind: 'text', production: 'time', staged: false, nullable: true },
    holiday_name: { kind: 'text', production: 'text', nullable: true },
  },
  key: ['trade_date'],
  keyDateColumn: 'trade_date',
  batchDateColumn: null,
  required: ['trade_date', 'is_trading_day'],
  valueColumns: ['is_trading_day'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  sources: ['kis'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'weekend_open'],
} as const satisfies DatasetDefinition

export type MarketCalendarValues = ValuesOf<typeof marketCalendar>
