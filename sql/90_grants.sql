-- Privileges of the group roles created by migration 0006. Re-applied whenever it changes.
--   market_reader: SELECT on production tables, aggregates, views and logs; nothing on
--                  staging; no writes; no DDL. Default privileges cover future tables.
--   market_writer: the pipeline: reads and writes production and staging, no DDL.

-- Nobody but the owner creates objects in public (the default since PostgreSQL 15; older
-- databases upgraded in place still allow it).
revoke create on schema public from public;

grant usage on schema public to market_reader, market_writer;
grant select on all tables in schema public to market_reader;
grant select, insert, update, delete on all tables in schema public to market_writer;
grant usage, select on all sequences in schema public to market_writer;
grant execute on function quality_issues(integer) to market_reader, market_writer;
-- The pipeline's lock rows (migration 0012): a reader that could SELECT them could also hold
-- them with LOCK TABLE; it needs nothing there.
revoke all on table pipeline_locks from market_reader;

revoke all on schema staging from market_reader;
revoke all on all tables in schema staging from market_reader;
grant usage on schema staging to market_writer;
grant select, insert, update, delete on all tables in schema staging to market_writer;

-- Tables created later by the owner (new datasets) are covered without another grant.
alter default privileges in schema public grant select on tables to market_reader;
alter default privileges in schema public grant select, insert, update, delete on tables to market_writer;
alter default privileges in schema public grant usage, select on sequences to market_writer;
alter default privileges in schema staging grant select, insert, update, delete on tables to market_writer;

-- `etl grant-reader` takes CONNECT on this database away from PUBLIC and gives it to each
-- reader login; the pipeline's own group keeps it here. (Not on the embedded engine, which
-- accepts no logins and cannot change a database's privileges.)
do $$
begin
  if version() not like '%Emscripten%' then
    execute format('grant connect on database %I to market_writer', current_database());
  end if;
end
$$;

-- The pipeline keeps the aggregates current after each load. On TimescaleDB they are continuous
-- aggregates, and only an owner may refresh one: market_writer owns them. On plain PostgreSQL
-- they are tables since migration 0018, written by the promoter under the grants above (and
-- read by market_reader like any table). The migrations run as the database owner, which
-- keeps every other object.
do $$
declare
  aggregate text;
begin
  if version() like '%Emscripten%' then
    return;
  end if;
  for aggregate in select matviewname from pg_matviews where schemaname = 'public' loop
    execute format('alter materialized view %I owner to market_writer', aggregate);
  end loop;
  if exists (select 1 from pg_extension where extname = 'timescaledb') then
    for aggregate in execute 'select view_name from timescaledb_information.continuous_aggregates where view_schema = ''public''' loop
      execute format('alter materialized view %I owner to market_writer', aggregate);
    end loop;
  end if;
end
$$;
