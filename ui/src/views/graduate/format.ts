// The graduate screens' pure helpers: counting like the engine, the countdown, sizes, times,
// the forms' shapes and what the home page offers next. Unit-tested in format.test.ts.
import type { ItemSummary } from '@/bindings/ItemSummary'
import type { PaperForm } from '@/bindings/PaperForm'
import type { PortalView } from '@/bindings/PortalView'
import type { DestinationTable, DestinationType } from '@/platform/reference'

/** The longest explanation the engine accepts (R-TERM-01, R-OFF-01), in characters. */
export const EXPLANATION_MAX = 200

/** Length in Unicode code points, as the engine counts (𠮷 is one character, not two). */
export function codePoints(text: string): number {
  return Array.from(text).length
}

/** The explanation counter's text and whether it is over the limit. */
export function explanationCounter(text: string, max = EXPLANATION_MAX) {
  const used = codePoints(text)
  return { used, max, text: `${used}/${max}`, over: used > max }
}

export interface Countdown {
  expired: boolean
  days: number
  hours: number
  minutes: number
  seconds: number
  /** Less than 24 hours left (the engine's reminder window). */
  urgent: boolean
}

/** Time left until `deadline` (unix seconds) at `nowMs` (milliseconds). */
export function countdown(deadline: number, nowMs: number): Countdown {
  const left = Math.max(0, Math.floor(deadline - nowMs / 1000))
  return {
    expired: left === 0,
    days: Math.floor(left / 86400),
    hours: Math.floor((left % 86400) / 3600),
    minutes: Math.floor((left % 3600) / 60),
    seconds: left % 60,
    urgent: left > 0 && left < 86400,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** "2天 03:04:05" / "2d 03:04:05"; the unit word comes from the caller's language. */
export function formatCountdown(c: Countdown, dayUnit: string): string {
  const clock = `${pad(c.hours)}:${pad(c.minutes)}:${pad(c.seconds)}`
  return c.days > 0 ? `${c.days}${dayUnit} ${clock}` : clock
}

/** A byte count for people: 512 B, 12.3 KB, 4.56 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`
}

/** What a screen shows for a time that is not set: never the epoch (1970-01-01). */
export const NO_TIME = '—'

/** A unix time in Asia/Shanghai, as the school reads it; [`NO_TIME`] when it is not set. */
export function formatTime(unixSeconds: number | null | undefined, locale: string): string {
  if (unixSeconds === null || unixSeconds === undefined || unixSeconds <= 0) return NO_TIME
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(unixSeconds * 1000))
}

/** Bytes as base64, in chunks (a 10 MB photo would overflow String.fromCharCode's arguments). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** A stored file as the payloads carry it (crates/engine/src/model.rs FileRef). */
export interface StoredFile {
  hash: string
  name: string
  size: number
  mime: string
  original_size: number
}

/** The files of a payload's list (`scans` or `proofs`). */
export function storedFiles(payload: Record<string, unknown>, key: 'scans' | 'proofs'): StoredFile[] {
  const list = payload[key]
  return Array.isArray(list) ? (list as StoredFile[]) : []
}

export function emptyPaperForm(): PaperForm {
  return {
    employer: { name: '', creditCode: '', nature: '', industry: '', address: '', contactPerson: '', contactPhone: '' },
    terms: {
      position: '',
      workLocation: '',
      salary: '',
      probation: '',
      agreementTerm: '',
      liquidatedDamages: '',
      archiveHandling: '',
      archiveReceivingUnit: '',
      archiveAddress: '',
      archivePostcode: '',
      hukouAddress: '',
      otherTerms: '',
    },
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** The form of a stored paper registration (payload in the engine's snake_case). */
export function paperFormFromPayload(payload: Record<string, unknown>): PaperForm {
  const e = (payload.employer ?? {}) as Record<string, unknown>
  const t = (payload.terms ?? {}) as Record<string, unknown>
  return {
    employer: {
      name: str(e.name),
      creditCode: str(e.credit_code),
      nature: str(e.nature),
      industry: str(e.industry),
      address: str(e.address),
      contactPerson: str(e.contact_person),
      contactPhone: str(e.contact_phone),
    },
    terms: {
      position: str(t.position),
      workLocation: str(t.work_location),
      salary: str(t.salary),
      probation: str(t.probation),
      agreementTerm: str(t.agreement_term),
      liquidatedDamages: str(t.liquidated_damages),
      archiveHandling: str(t.archive_handling),
      archiveReceivingUnit: str(t.archive_receiving_unit),
      archiveAddress: str(t.archive_address),
      archivePostcode: str(t.archive_postcode),
      hukouAddress: str(t.hukou_address),
      otherTerms: str(t.other_terms),
    },
  }
}

export interface TypeGroup {
  group: string
  types: DestinationType[]
}

/** The type picker's groups in the table's order (R-DEST-01); a 定向/委培 graduate sees only
 *  their own type, everyone else every selectable type but that one (R-DEST-05). */
export function destinationGroups(table: DestinationTable, directed: boolean): TypeGroup[] {
  const groups: TypeGroup[] = []
  for (const type of table.types) {
    if (!type.selectable || type.directed_only !== directed) continue
    let group = groups.find((g) => g.group === type.group)
    if (!group) {
      group = { group: type.group, types: [] }
      groups.push(group)
    }
    group.types.push(type)
  }
  return groups
}

/** What the home page offers next, in order (the engine still decides each action). */
export type NextAction =
  | 'confirmInfo'
  | 'moduleClosed'
  | 'readOnly'
  | 'directedSupplement'
  | 'answerInvitations'
  | 'answerTermination'
  | 'registerPaper'
  | 'applyOffline'
  | 'registerDestination'
  | 'viewCurrent'

export function nextActions(p: PortalView, pendingInvitations: number, terminationAsks = 0): NextAction[] {
  if (p.readOnly) return ['readOnly']
  if (p.graduate.confirmedAt === null) return ['confirmInfo']
  if (!p.cohort.moduleOpen) return ['moduleClosed']
  const out: NextAction[] = []
  // An employer's termination request waits for the graduate's answer (R-TERM-02): first.
  if (terminationAsks > 0) out.push('answerTermination')
  if (p.current) out.push('viewCurrent')
  if (p.graduate.directed) {
    if (!p.current) out.push('directedSupplement')
    return out
  }
  if (pendingInvitations > 0) out.push('answerInvitations')
  if (!p.current) out.push('registerPaper', 'applyOffline', 'registerDestination')
  return out
}

/** The employers' termination requests waiting for the graduate's answer. */
export function employerTerminationAsks(items: ItemSummary[]): ItemSummary[] {
  return items.filter(
    (i) =>
      i.kind === 'termination' &&
      i.state === 'awaiting_counterparty' &&
      (i.payload as { initiator?: string } | null)?.initiator === 'employer',
  )
}

/** Pending invitations whose deadline has not passed at `nowMs`. */
export function pendingInvitations(items: ItemSummary[], nowMs: number): ItemSummary[] {
  return items.filter(
    (i) => i.kind === 'signing' && i.state === 'pending' && (i.deadline === null || i.deadline * 1000 > nowMs),
  )
}

/** Element Plus tag colour of a state. */
export function stateTagType(state: string): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  if (['signed', 'approved', 'accepted'].includes(state)) return 'success'
  if (
    ['pending', 'submitted', 'under_review', 'awaiting_counterparty', 'draft', 'approved_for_print', 'stamped_submitted', 'stamped_under_review'].includes(
      state,
    )
  )
    return 'warning'
  if (['rejected', 'review_failed', 'returned', 'counterparty_refused', 'stamped_returned', 'failed'].includes(state)) return 'danger'
  if (state === 'terminated' || state === 'voided') return 'primary'
  return 'info'
}

/** What a registration form's save did. */
export interface SavedRegistration {
  id: number
  /** Asked to submit and the submission went through. */
  submitted: boolean
  /** Asked to submit, the draft was saved but the submission was refused (or could not be sent). */
  submitError: unknown
}

/**
 * Saves a registration form (paper agreement, other destination): edits the draft `id` when
 * there is one, else creates it; then submits it when asked. A submission that fails after the
 * draft was created leaves that draft's id with the form, so trying again edits and submits that
 * draft rather than making a second one; the caller says the draft is saved and why it is not
 * submitted.
 */
export async function saveRegistration(steps: {
  id: number | null
  create: () => Promise<number>
  edit: (id: number) => Promise<unknown>
  submit: (id: number) => Promise<unknown>
  andSubmit: boolean
}): Promise<SavedRegistration> {
  let id: number
  if (steps.id !== null) {
    id = steps.id
    await steps.edit(id)
  } else {
    id = await steps.create()
  }
  if (!steps.andSubmit) return { id, submitted: false, submitError: null }
  try {
    await steps.submit(id)
    return { id, submitted: true, submitError: null }
  } catch (e) {
    return { id, submitted: false, submitError: e }
  }
}

/** A section of the operating guide and whom it is for. */
export interface GuideSection {
  for: 'all' | 'free' | 'directed'
  title: string
  body: string
}

/** The guide's sections that apply to the graduate: a 定向/委培 graduate does not sign online
 *  or terminate (R-SIGN-09, R-DEST-05), so those sections are not shown to them. */
export function guideSections(sections: GuideSection[], directed: boolean): GuideSection[] {
  return sections.filter((s) => s.for === 'all' || s.for === (directed ? 'directed' : 'free'))
}
