-- Views analysts and downstream projects read. Re-applied by `etl migrate` whenever this
-- file changes, so every statement must be repeatable.

-- Institution totals are derived, never stored: the sum of KRX's seven institutional groups,
-- and the same without pension funds (기관 - 연기금).
create or replace view investor_trading_institution as
select t.stock_code, t.time, 'institution_total'::text as investor_group,
       sum(t.sell_volume) as sell_volume, sum(t.buy_volume) as buy_volume, sum(t.net_buy_volume) as net_buy_volume,
       sum(t.sell_value) as sell_value, sum(t.buy_value) as buy_value, sum(t.net_buy_value) as net_buy_value
from investor_trading t
join investor_types it on it.investor_type = t.investor_type
where it.is_institution
group by t.stock_code, t.time
union all
select t.stock_code, t.time, 'institution_ex_pension'::text,
       sum(t.sell_volume), sum(t.buy_volume), sum(t.net_buy_volume),
       sum(t.sell_value), sum(t.buy_value), sum(t.net_buy_value)
from investor_trading t
join investor_types it on it.investor_type = t.investor_type
where it.is_institution and not it.is_pension
group by t.stock_code, t.time;

-- The latest run of each dataset (data_type), whatever its outcome.
create or replace view latest_collection_runs as
select distinct on (data_type)
       data_type, source, partition_key, collection_date, status, trigger,
       records_fetched, records_count, records_rejected, records_promoted,
       started_at, completed_at, duration_ms, error_message, run_id
from data_collection_logs
order by data_type, started_at desc, id desc;

-- How current each dataset is: the newest collection (trade) date that loaded and when it loaded.
create or replace view data_freshness as
select d.data_type,
       max(l.collection_date) filter (where l.status in ('SUCCESS', 'PARTIAL')) as latest_collection_date,
       max(l.completed_at) filter (where l.status in ('SUCCESS', 'PARTIAL')) as last_success_at,
       now() - max(l.completed_at) filter (where l.status in ('SUCCESS', 'PARTIAL')) as age,
       -- ABANDONED: the run's process died mid-run; a failed attempt like FAILED.
       max(l.completed_at) filter (where l.status in ('FAILED', 'ABANDONED')) as last_failure_at,
       count(*) filter (where l.status in ('FAILED', 'ABANDONED') and l.started_at > now() - interval '7 days') as failures_last_7_days
from (values ('stocks'), ('sectors'), ('index_components'), ('floating_shares'), ('etf_portfolios'),
             ('market_cap_daily'), ('ohlcv_daily'), ('ohlcv_minute'), ('investor_trading')) as d (data_type)
left join data_collection_logs l on l.data_type = d.data_type
group by d.data_type;

-- Checks that found something, newest first; quality_issues(N) for another window.
create or replace function quality_issues(days integer default 7)
returns setof data_quality_checks
language sql stable
as $$
  select * from data_quality_checks
  where not passed and checked_at >= now() - make_interval(days => days)
  order by checked_at desc, id desc
$$;

create or replace view quality_issues_last_7_days as
select * from quality_issues(7);
