// The table types live in @kmd/market-data-types so downstream projects can install them
// without the pipeline; this package keeps exporting them under their old path.
export * from '@kmd/market-data-types'
