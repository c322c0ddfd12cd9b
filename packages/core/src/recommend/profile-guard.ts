import type { RuleFinding } from './rule.js'
import type { SettingProposal } from './apply.js'
import { TUNABLES, profileApply } from './apply.js'
import { PROFILES } from '../profiles.js'
import type { ProfileName } from '../types.js'

/** What each non-baseline profile trades, for the sentence that explains its choice. */
const PROFILE_PURPOSE: Readonly<Record<Exclude<ProfileName, 'balanced'>, string>> = {
  memory: 'a smaller heap over hit rate and throughput',
  performance: 'speed over memory and connections',
}

/**
 * Whether a proposal moves a setting back against the active profile's choice: the profile set
 * it away from the `balanced` baseline, and the proposal moves it the other way. Under
 * `balanced` nothing is reverted; a setting the profile leaves at the baseline is free.
 *
 * @example
 * revertsProfile('memory', { setting: 'cache.ttl', from: 1_800_000, to: 3_600_000 }) // true
 */
export function revertsProfile(profile: ProfileName, proposal: SettingProposal): boolean {
  if (profile === 'balanced') return false
  const { read } = TUNABLES[proposal.setting]
  const chosen = read(PROFILES[profile])
  const baseline = read(PROFILES.balanced)
  if (chosen === baseline || proposal.to === proposal.from) return false
  return Math.sign(proposal.to - proposal.from) !== Math.sign(chosen - baseline)
}

/**
 * The finding as it may be shown under `profile`: unchanged, unless its proposal reverts the
 * profile's choice ({@link revertsProfile}); then the advice is to switch back to `balanced`,
 * which says what it costs, instead of quietly undoing the choice key by key.
 *
 * @example
 * guardProfile('memory', finding).apply.command // 'bi-performance optimize balanced'
 */
export function guardProfile(profile: ProfileName, finding: RuleFinding): RuleFinding {
  const { proposal } = finding
  if (!proposal || profile === 'balanced' || !revertsProfile(profile, proposal)) return finding
  const { read, format } = TUNABLES[proposal.setting]
  const chosen = format(read(PROFILES[profile]))
  const baseline = format(read(PROFILES.balanced))
  // The proposal is what the profile rules out: it leaves with the action it described.
  const rest: RuleFinding = { ...finding }
  delete rest.proposal
  return {
    ...rest,
    action: `keep ${proposal.setting} at the "${profile}" profile's ${chosen} (it trades ${PROFILE_PURPOSE[profile]}); if this matters more than that trade, apply profile "balanced" (${proposal.setting} ${baseline})`,
    apply: profileApply('balanced'),
  }
}
