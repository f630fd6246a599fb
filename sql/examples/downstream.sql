-- Example queries for downstream projects (run as a market_reader login).

-- One stock, one year of daily bars.
select time, open_price, high_price, low_price, close_price, volume, trading_value
from ohlcv_daily
where stock_code = '005930' and time >= date '2024-01-01' and time < date '2025-01-01'
order by time;

-- The whole market on one day, largest first.
select o.stock_code, s.name, o.close_price, o.volume, m.market_cap
from ohlcv_daily o
join market_cap_daily m using (stock_code, time)
left join stocks s using (stock_code)
where o.time = date '2024-01-02'
order by m.market_cap desc;

-- Ten years of weekly bars of one stock (continuous aggregate / materialized view).
select bucket, open_price, high_price, low_price, close_price, volume
from ohlcv_weekly
where stock_code = '005930' and bucket >= current_date - interval '10 years'
order by bucket;

-- Foreigners' and institutions' (ex pension funds) net buying of one stock.
select time, investor_type as investor, net_buy_volume, net_buy_value
from investor_trading
where stock_code = '005930' and investor_type in ('foreign', 'other_foreign') and time >= current_date - 30
union all
select time, investor_group, net_buy_volume, net_buy_value
from investor_trading_institution
where stock_code = '005930' and investor_group = 'institution_ex_pension' and time >= current_date - 30
order by time, investor;

-- Is the data fresh, and did anything fail?
select * from data_freshness order by data_type;
select check_date, table_name, check_type, issue_count, details from quality_issues(3);
