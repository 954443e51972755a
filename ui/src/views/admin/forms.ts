// The admin's forms as pure functions (tested in forms.test.ts): what the screens send to the
// commands. Early help only: the engine validates again and its message is shown when it refuses.
import type { CohortInput } from '@/bindings/CohortInput'
import type { CohortView } from '@/bindings/CohortView'
import type { GraduateFixInput } from '@/bindings/GraduateFixInput'
import type { GraduateRow } from '@/bindings/GraduateRow'
import type { StaffAccountInput } from '@/bindings/StaffAccountInput'

/** The fields of basic info the fix form edits (keys of GraduateRow and GraduateFixInput). */
export const FIX_FIELDS = [
  'name',
  'gender',
  'idNumber',
  'educationLevel',
  'major',
  'departmentId',
  'trainingMode',
  'directedUnit',
  'origin',
  'phone',
  'email',
] as const

export type FixForm = Pick<GraduateRow, (typeof FIX_FIELDS)[number]>

/** The form's starting values: the graduate's record. */
export function fixFormOf(g: GraduateRow): FixForm {
  return {
    name: g.name,
    gender: g.gender,
    idNumber: g.idNumber,
    educationLevel: g.educationLevel,
    major: g.major,
    departmentId: g.departmentId,
    trainingMode: g.trainingMode,
    directedUnit: g.directedUnit,
    origin: g.origin,
    phone: g.phone,
    email: g.email,
  }
}

/** Only the changed fields (trimmed); the others stay null, which the engine keeps as they are. */
export function fixInputOf(g: GraduateRow, form: FixForm): GraduateFixInput {
  const out: GraduateFixInput = {
    name: null,
    gender: null,
    idNumber: null,
    educationLevel: null,
    major: null,
    departmentId: null,
    trainingMode: null,
    directedUnit: null,
    origin: null,
    phone: null,
    email: null,
  }
  for (const key of FIX_FIELDS) {
    if (key === 'departmentId') {
      if (form.departmentId !== g.departmentId) out.departmentId = form.departmentId
      continue
    }
    const v = form[key].trim()
    if (v !== g[key]) out[key] = v
  }
  return out
}

/** Whether a fix changes anything at all. */
export function fixIsEmpty(fix: GraduateFixInput): boolean {
  return Object.values(fix).every((v) => v === null)
}

/** A cohort form: the change deadline as a Date (null: the 31 August default). */
export interface CohortForm {
  year: number
  chain: 'department' | 'school' | 'both'
  inviteLimitDays: number
  changesUntil: Date | null
  agreementTitle: string
}

export function cohortFormOf(c: CohortView | null, thisYear: number): CohortForm {
  if (!c) {
    return { year: thisYear, chain: 'both', inviteLimitDays: 15, changesUntil: null, agreementTitle: '' }
  }
  return {
    year: c.year,
    chain: (['department', 'school', 'both'] as const).find((x) => x === c.chain) ?? 'both',
    inviteLimitDays: c.inviteLimitDays,
    changesUntil: new Date(c.changesUntil * 1000),
    agreementTitle: c.agreementTitle,
  }
}

export function cohortInputOf(f: CohortForm): CohortInput {
  const title = f.agreementTitle.trim()
  return {
    year: f.year,
    chain: f.chain,
    inviteLimitDays: f.inviteLimitDays,
    changesUntil: f.changesUntil ? Math.floor(f.changesUntil.getTime() / 1000) : null,
    agreementTitle: title === '' ? null : title,
  }
}

/** A new staff account form. */
export interface StaffForm {
  login: string
  displayName: string
  password: string
  role: 'department_reviewer' | 'school_reviewer' | 'school_admin'
  departmentId: number | null
}

export type StaffErrors = Partial<Record<keyof StaffForm, 'required' | 'password'>>

/** R-AUTH-02's password rule, as early help. */
export function passwordProblem(p: string): 'password' | null {
  return p.length >= 8 && p.length <= 128 && /[A-Za-z]/.test(p) && /\d/.test(p) ? null : 'password'
}

export function checkStaffForm(f: StaffForm): StaffErrors {
  const e: StaffErrors = {}
  if (f.login.trim() === '') e.login = 'required'
  if (f.displayName.trim() === '') e.displayName = 'required'
  const p = passwordProblem(f.password)
  if (p) e.password = p
  if (f.role === 'department_reviewer' && f.departmentId === null) e.departmentId = 'required'
  return e
}

export function staffInputOf(f: StaffForm): StaffAccountInput {
  return {
    login: f.login.trim(),
    displayName: f.displayName.trim(),
    password: f.password,
    role: f.role,
    departmentId: f.role === 'department_reviewer' ? f.departmentId : null,
  }
}

/** Bytes as base64, in chunks (a large file would overflow the argument list of one call). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** 1234567 → "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** 0.12345 → "12.3%". */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`
}

/** A file name for an export: "毕业去向统计-2026.xlsx". */
export function exportFileName(prefix: string, ...parts: (string | number)[]): string {
  return [prefix, ...parts].join('-') + '.xlsx'
}

/** Masks an ID number in lists (first 6 and last 4 shown), as the engine does for reviewers. */
export function maskId(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length)
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4)
}
