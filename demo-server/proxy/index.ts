/** The Engine-API proxy: the docker CLI's only way to the engine during a demo run. */
export { MAX_JSON_BODY_BYTES, startEngineProxy } from './proxy-server.ts'
export type { EngineProxy, EngineProxyOptions, ProxyDoor } from './proxy-server.ts'
export type { CreatedByRun, ProxyScope } from './tracking.ts'
export { OFFLINE_PULL_ADVICE } from './refusals.ts'
export type { Refusal } from './refusals.ts'
export { RULES, formatRules, matchRequest } from './rules.ts'
export type { Action, Match, Rule, RuleKind } from './rules.ts'
