import type { SchoolSetupInput } from '@/bindings/SchoolSetupInput'

/** The set-up form as typed: departments one per line. */
export interface SchoolSetupForm {
  name: string
  code: string
  contact: string
  departments: string
  adminName: string
  adminLogin: string
  adminPassword: string
}

export type FieldErrors = Partial<Record<keyof SchoolSetupForm, 'required' | 'codeFormat'>>

export const SCHOOL_SETUP_FIELDS = [
  'name',
  'code',
  'contact',
  'departments',
  'adminName',
  'adminLogin',
  'adminPassword',
] as const satisfies readonly (keyof SchoolSetupForm)[]

/** Early help while typing; the engine decides (and its message is shown when it refuses). */
export function checkSchoolSetup(form: SchoolSetupForm): FieldErrors {
  const errors: FieldErrors = {}
  for (const key of SCHOOL_SETUP_FIELDS) {
    if (form[key].trim() === '') errors[key] = 'required'
  }
  if (!errors.code && !/^\d{5}$/.test(form.code.trim())) errors.code = 'codeFormat'
  return errors
}

/** The command's input from the form: trimmed, one department per non-empty line. */
export function toSchoolSetupInput(form: SchoolSetupForm): SchoolSetupInput {
  return {
    name: form.name.trim(),
    code: form.code.trim(),
    contact: form.contact.trim(),
    departments: form.departments
      .split('\n')
      .map((d) => d.trim())
      .filter((d) => d !== ''),
    adminName: form.adminName.trim(),
    adminLogin: form.adminLogin.trim(),
    adminPassword: form.adminPassword,
  }
}
