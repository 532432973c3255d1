/** The Engine-API proxy: the docker CLI's only way to the engine during a demo run. */
export { MAX_JSON_BODY_BYTES, startEngineProxy } from './proxy-server'
export type { EngineProxy, EngineProxyOptions } from './proxy-server'
export type { CreatedByRun, ProxyScope } from './tracking'
export { OFFLINE_PULL_ADVICE } from './refusals'
export { RULES, formatRules, matchRequest } from './rules'
export type { Action, Match, Rule, RuleKind } from './rules'
