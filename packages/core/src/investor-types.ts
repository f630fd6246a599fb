// The investor vocabulary is part of the schema's public contract, so it is defined beside the
// table types downstream readers install; the pipeline's packages take it from here.
export { INVESTOR_TYPE_DEFINITIONS, INVESTOR_TYPES, type InvestorType, type InvestorTypeDefinition } from '@kmd/market-data-types'
