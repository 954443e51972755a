// The reviewers' (and employers') screens' pure helpers: the queue filter as the command takes it,
// times in Asia/Shanghai, the files an item carries, the diff of a reviewer's edit, the batch
// approval. Unit-tested in queue.test.ts.
import type { QueueCursor } from '@/bindings/QueueCursor'
import type { QueueFilter } from '@/bindings/QueueFilter'
import { NO_TIME } from '@/views/graduate/format'

/** The queues' kinds: the item kinds, with an offline signing's two reviews as kinds of their own
 *  (协议审核 of the application, 签约审核 of the stamped pages: R-OFFSIGN-02, -05). */
export const KINDS = [
  'signing',
  'termination',
  'paper',
  'offline_signing_application',
  'offline_signing_stamped',
  'destination',
  'offline_termination',
] as const
export type KindName = (typeof KINDS)[number]

/** The states a reviewer may filter on, per kind (the engine's state names). */
export const STATES: Record<KindName, string[]> = {
  signing: ['under_review', 'signed', 'review_failed', 'terminated', 'rejected', 'expired', 'withdrawn'],
  termination: ['awaiting_counterparty', 'under_review', 'approved', 'review_failed', 'counterparty_refused', 'cancelled'],
  paper: ['submitted', 'under_review', 'approved', 'returned', 'rejected', 'withdrawn', 'terminated'],
  destination: ['submitted', 'under_review', 'approved', 'returned', 'rejected', 'withdrawn', 'voided'],
  offline_termination: ['submitted', 'under_review', 'approved', 'returned', 'rejected', 'withdrawn'],
  offline_signing_application: ['submitted', 'under_review', 'approved_for_print', 'returned', 'rejected', 'withdrawn'],
  offline_signing_stamped: ['stamped_submitted', 'stamped_under_review', 'signed', 'stamped_returned', 'failed', 'cancelled', 'terminated'],
}

/** The filter form as typed: dates are `YYYY-MM-DD` days in Asia/Shanghai. */
export interface FilterForm {
  awaitingMe: boolean
  state: string
  departmentId: number | null
  major: string
  educationLevel: string
  destCode: string
  from: string
  to: string
  newestFirst: boolean
}

export function emptyFilter(): FilterForm {
  return {
    awaitingMe: true,
    state: '',
    departmentId: null,
    major: '',
    educationLevel: '',
    destCode: '',
    from: '',
    to: '',
    newestFirst: false,
  }
}

const SHANGHAI_OFFSET = 8 * 3600

/** The UTC second a `YYYY-MM-DD` day starts in Asia/Shanghai; null for anything else. */
export function shanghaiDayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim())
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(ms) ? null : ms / 1000 - SHANGHAI_OFFSET
}

/** The command's filter: the kind, the form, where the page starts and its size. */
export function toQueueFilter(kind: KindName, form: FilterForm, after: QueueCursor | null, limit = 50): QueueFilter {
  const text = (s: string) => (s.trim() === '' ? null : s.trim())
  const from = shanghaiDayStart(form.from)
  const toStart = shanghaiDayStart(form.to)
  return {
    kind,
    awaitingMe: form.awaitingMe,
    // The work queue is "awaiting me": a state filter there would only hide items.
    state: form.awaitingMe ? null : text(form.state),
    departmentId: form.departmentId,
    major: text(form.major),
    educationLevel: text(form.educationLevel),
    destCode: text(form.destCode),
    submittedFrom: from,
    // "To" includes the whole day: the command's bound is exclusive.
    submittedTo: toStart === null ? null : toStart + 86400,
    newestFirst: form.newestFirst,
    after,
    limit,
  }
}

/** `YYYY-MM-DD HH:mm` in Asia/Shanghai for a UTC unix second; `—` when it is not set (never the epoch). */
export function formatShanghai(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds <= 0) return NO_TIME
  const d = new Date((seconds + SHANGHAI_OFFSET) * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

export interface FileRef {
  hash: string
  name: string
  size: number
  thumbnail: string | null
  /** A stamped page's QR verdict as the engine decided it (R-OFFSIGN-04): matched | not_found. */
  qr: string | null
}

/** The scans, proofs or stamped pages an item's payload refers to. */
export function filesOf(payload: Record<string, unknown>): FileRef[] {
  const out: FileRef[] = []
  const entries: { f: Record<string, unknown>; qr: string | null }[] = []
  for (const key of ['scans', 'proofs']) {
    const list = payload[key]
    if (Array.isArray(list)) for (const f of list as Record<string, unknown>[]) entries.push({ f, qr: null })
  }
  const pages = payload.pages
  if (Array.isArray(pages)) {
    for (const p of pages as Record<string, unknown>[]) {
      if (p?.file && typeof p.file === 'object') {
        entries.push({ f: p.file as Record<string, unknown>, qr: typeof p.qr === 'string' ? p.qr : null })
      }
    }
  }
  for (const { f, qr } of entries) {
    if (typeof f?.hash !== 'string') continue
    out.push({
      hash: f.hash,
      name: typeof f.name === 'string' ? f.name : '',
      size: typeof f.size === 'number' ? f.size : 0,
      thumbnail: typeof f.thumbnail === 'string' ? f.thumbnail : null,
      qr,
    })
  }
  return out
}

/** A record of strings from a payload part (employer, terms, fields); other values dropped. */
export function textRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v
    }
  }
  return out
}

export interface DiffRow {
  field: string
  before: string
  after: string
}

/** What a reviewer's edit changed (R-DEST-03): the type and each field whose value differs. */
export function destinationDiff(changes: unknown, typeName: (id: string) => string = (id) => id): DiffRow[] {
  if (!changes || typeof changes !== 'object') return []
  const { before, after } = changes as { before?: Record<string, unknown>; after?: Record<string, unknown> }
  if (!before || !after) return []
  const rows: DiffRow[] = []
  const bt = String(before.type_id ?? '')
  const at = String(after.type_id ?? '')
  // The types by their names (研究生, 第二学士学位 …), never their internal ids.
  if (bt !== at) rows.push({ field: 'type_id', before: typeName(bt), after: typeName(at) })
  const bf = textRecord(before.fields)
  const af = textRecord(after.fields)
  const keys = [...new Set([...Object.keys(bf), ...Object.keys(af)])].sort()
  for (const k of keys) {
    if ((bf[k] ?? '') !== (af[k] ?? '')) rows.push({ field: k, before: bf[k] ?? '', after: af[k] ?? '' })
  }
  return rows
}

export interface BatchResult {
  id: number
  ok: boolean
  message: string
}

/**
 * Approves the items one after another (each against the version the reviewer saw), reporting
 * progress after each; one refusal does not stop the others.
 */
export async function runBatch(
  items: { id: number; version: number }[],
  approve: (id: number, version: number) => Promise<unknown>,
  describe: (e: unknown) => string,
  onProgress: (done: number, total: number) => void,
): Promise<BatchResult[]> {
  const results: BatchResult[] = []
  for (const it of items) {
    try {
      await approve(it.id, it.version)
      results.push({ id: it.id, ok: true, message: '' })
    } catch (e) {
      results.push({ id: it.id, ok: false, message: describe(e) })
    }
    onProgress(results.length, items.length)
  }
  return results
}

/** A destination type's name in the table, in the UI's language (its id when unknown). */
export function destinationTypeName(
  table: { types: { id: string; name_zh: string; name_en: string }[] } | null | undefined,
  locale: string,
): (id: string) => string {
  return (id) => {
    const type = table?.types.find((x) => x.id === id)
    return type ? (locale === 'en' ? type.name_en : type.name_zh) : id
  }
}
