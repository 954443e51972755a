// The employer's forms: their shapes, early help while typing (the engine decides, and its message
// is shown when it refuses) and the command inputs. Unit-tested in forms.test.ts.
import type { EmployerInput } from '@/bindings/EmployerInput'
import type { InviteForm } from '@/bindings/InviteForm'
import type { TermsInput } from '@/bindings/TermsInput'
import type { UploadInput } from '@/bindings/UploadInput'

export const DETAIL_FIELDS = [
  'name',
  'creditCode',
  'nature',
  'industry',
  'address',
  'contactPerson',
  'contactPhone',
] as const satisfies readonly (keyof EmployerInput)[]

export const TERM_FIELDS = [
  'position',
  'workLocation',
  'salary',
  'probation',
  'agreementTerm',
  'liquidatedDamages',
  'archiveHandling',
  'archiveReceivingUnit',
  'archiveAddress',
  'archivePostcode',
  'hukouAddress',
  'otherTerms',
] as const satisfies readonly (keyof TermsInput)[]

/** R-AGR-01's required terms (the archive's unit, address and postcode depend on the handling). */
const REQUIRED_TERMS: (keyof TermsInput)[] = ['position', 'workLocation', 'salary', 'agreementTerm', 'archiveHandling']

/** The archive handling that needs no receiving unit (REFERENCE.md: back to the place of origin). */
export const ARCHIVE_TO_ORIGIN = '回生源地'

/** The engine's snake_case field name of a camelCase form key (for its `details.field`). */
export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

export function emptyDetails(): EmployerInput {
  return { name: '', creditCode: '', nature: '', industry: '', address: '', contactPerson: '', contactPhone: '' }
}

export function emptyTerms(): TermsInput {
  return {
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
  }
}

export type FieldProblem = 'required' | 'postcode' | 'deadline'

/** The invitation form as typed. */
export interface InviteFormState {
  by: 'id_number' | 'student_number'
  name: string
  idNumber: string
  studentNumber: string
  terms: TermsInput
  deadlineDays: number
}

export function emptyInvite(defaultDays = 5): InviteFormState {
  return { by: 'id_number', name: '', idNumber: '', studentNumber: '', terms: emptyTerms(), deadlineDays: defaultDays }
}

/** Early help on the invitation form: keys are form paths (`name`, `terms.position`, …). */
export function checkInvite(form: InviteFormState, maxDays: number): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {}
  if (form.name.trim() === '') problems.name = 'required'
  if (form.by === 'id_number' && form.idNumber.trim() === '') problems.idNumber = 'required'
  if (form.by === 'student_number' && form.studentNumber.trim() === '') problems.studentNumber = 'required'
  for (const key of REQUIRED_TERMS) {
    if (form.terms[key].trim() === '') problems[`terms.${key}`] = 'required'
  }
  const handling = form.terms.archiveHandling.trim()
  if (handling !== '' && handling !== ARCHIVE_TO_ORIGIN) {
    for (const key of ['archiveReceivingUnit', 'archiveAddress'] as const) {
      if (form.terms[key].trim() === '') problems[`terms.${key}`] = 'required'
    }
  }
  const postcode = form.terms.archivePostcode.trim()
  const needsPostcode = handling !== '' && handling !== ARCHIVE_TO_ORIGIN
  if ((needsPostcode || postcode !== '') && !/^\d{6}$/.test(postcode)) problems['terms.archivePostcode'] = 'postcode'
  if (!Number.isInteger(form.deadlineDays) || form.deadlineDays < 1 || form.deadlineDays > maxDays) {
    problems.deadlineDays = 'deadline'
  }
  return problems
}

/** The command's input: trimmed; only the chosen way of finding the graduate is sent. */
export function toInviteForm(form: InviteFormState): InviteForm {
  const terms = { ...form.terms }
  for (const key of TERM_FIELDS) terms[key] = terms[key].trim()
  return {
    graduate: {
      by: form.by,
      name: form.name.trim(),
      idNumber: form.by === 'id_number' ? form.idNumber.trim().toUpperCase() : '',
      studentNumber: form.by === 'student_number' ? form.studentNumber.trim() : '',
    },
    terms,
    deadlineDays: form.deadlineDays,
  }
}

/** Early help on the sign-up form. */
export function checkSignUp(
  details: EmployerInput,
  account: { login: string; password: string; displayName: string },
  hasLicence: boolean,
): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {}
  for (const key of DETAIL_FIELDS) if (details[key].trim() === '') problems[key] = 'required'
  for (const key of ['login', 'password', 'displayName'] as const) {
    if (account[key].trim() === '') problems[key] = 'required'
  }
  if (!hasLicence) problems.licence = 'required'
  return problems
}

/** The details trimmed, the credit code upper-cased (the engine checks its check character). */
export function trimDetails(d: EmployerInput): EmployerInput {
  return {
    name: d.name.trim(),
    creditCode: d.creditCode.trim().toUpperCase(),
    nature: d.nature.trim(),
    industry: d.industry.trim(),
    address: d.address.trim(),
    contactPerson: d.contactPerson.trim(),
    contactPhone: d.contactPhone.trim(),
  }
}

/** Bytes as base64, in chunks (a large scan would overflow one `String.fromCharCode` call). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** A chosen file as the commands take it. */
export async function fileToUpload(file: File): Promise<UploadInput> {
  return { name: file.name, dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())) }
}
