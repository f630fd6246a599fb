import type {
  CanonicalRecord,
  InvestorTradingValues,
  MarketCapDailyValues,
  OhlcvDailyValues,
  TradeDate,
} from '@kmd/core'
import type { KrxRow } from './client.ts'
import { RowReader } from './parse.ts'

/**
 * One KRX row → one canonical record, per screen. Requests ask for `share=1, money=1` (or the
 * screen has no unit option), so prices are 원, volumes 주, values and market caps 원 as sent.
 */

/** MDCSTAT01501 → ohlcv_daily. The screen has no date column: the trade date is the request's. */
export function ohlcvRecordOf(row: KrxRow, tradeDate: TradeDate): CanonicalRecord<OhlcvDailyValues> {
  const read = new RowReader(row)
  const values: OhlcvDailyValues = {
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
    time: tradeDate,
    open_price: read.decimal('TDD_OPNPRC', 'open_price'),
    high_price: read.decimal('TDD_HGPRC', 'high_price'),
    low_price: read.decimal('TDD_LWPRC', 'low_price'),
    close_price: read.decimal('TDD_CLSPRC', 'close_price'),
    volume: read.integer('ACC_TRDVOL', 'volume'),
    trading_value: read.integer('ACC_TRDVAL', 'trading_value'),
    change: read.signedDecimal('CMPPREVDD_PRC', 'change'),
    change_rate: read.signedDecimal('FLUC_RT', 'change_rate'),
  }
  // A stock without a trade that day (halted, or simply untraded) comes with open/high/low "0"
  // and the previous close as close; 0 is not a price, so those become null.
  if (values.volume === 0 && [values.open_price, values.high_price, values.low_price].every((price) => price !== null && Number(price) === 0)) {
    values.open_price = values.high_price = values.low_price = null
  }
  return { values, raw: row, parseErrors: read.parseErrors }
}

/** MDCSTAT01501 → market_cap_daily. */
export function marketCapRecordOf(row: KrxRow, tradeDate: TradeDate): CanonicalRecord<MarketCapDailyValues> {
  const read = new RowReader(row)
  const values: MarketCapDailyValues = {
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
    time: tradeDate,
    close_price: read.decimal('TDD_CLSPRC', 'close_price'),
    market_cap: read.integer('MKTCAP', 'market_cap'),
    shares_outstanding: read.integer('LIST_SHRS', 'shares_outstanding'),
  }
  return { values, raw: row, parseErrors: read.parseErrors }
}

/**
 * MDCSTAT02401 → investor_trading: ASK = sell, BID = buy, NETBID = net; VOL shares, VAL won.
 * The screen's rows do not say which investor type or market they are for, so `raw` also
 * keeps the request's `invstTpCd` and `mktId`.
 */
export function investorTradingRecordOf(
  row: KrxRow,
  request: { investorType: string; invstTpCd: string; mktId: string },
  tradeDate: TradeDate,
): CanonicalRecord<InvestorTradingValues> {
  const read = new RowReader(row)
  const values: InvestorTradingValues = {
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
    investor_type: request.investorType,
    time: tradeDate,
    sell_volume: read.integer('ASK_TRDVOL', 'sell_volume'),
    buy_volume: read.integer('BID_TRDVOL', 'buy_volume'),
    net_buy_volume: read.integer('NETBID_TRDVOL', 'net_buy_volume'),
    sell_value: read.integer('ASK_TRDVAL', 'sell_value'),
    buy_value: read.integer('BID_TRDVAL', 'buy_value'),
    net_buy_value: read.integer('NETBID_TRDVAL', 'net_buy_value'),
  }
  return { values, raw: { ...row, invstTpCd: request.invstTpCd, mktId: request.mktId }, parseErrors: read.parseErrors }
}
