#!/bin/sh
# Runs once, when the timescaledb service first initialises its data volume
# (docker-entrypoint-initdb.d): the pipeline's login, market_etl, a member of the group
# market_writer. Migration 0006 makes that group too (it skips an existing one) and
# sql/90_grants.sql gives it its privileges: reads and writes, no DDL, owner of the aggregates
# it refreshes. The password travels as a psql variable, never inside SQL text.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$MARKET_ETL_PASSWORD" <<'SQL'
create role market_writer nologin;
create role market_etl login password :'password' in role market_writer;
SQL
