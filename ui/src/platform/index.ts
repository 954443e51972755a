// The only module that talks to Tauri. Catalog operations (crates/api) go through `op`, typed by
// the generated operation map (src/bindings/Operations.ts): a wrong name or request is a type
// error. The desktop's own commands (dialogs, keychain, updater) go through `call`.
import { invoke } from '@tauri-apps/api/core'
import type { OperationName, Operations } from '@/bindings/Operations'
import type { ActivateInput } from '@/bindings/ActivateInput'
import type { ChangePasswordRequest } from '@/bindings/ChangePasswordRequest'
import type { CommandError } from '@/bindings/CommandError'
import type { SchoolSetupInput } from '@/bindings/SchoolSetupInput'
import type { SessionUser } from '@/bindings/SessionUser'
import type { SignInInput } from '@/bindings/SignInInput'
import type { SignInOutcome } from '@/bindings/SignInOutcome'

/** Whether a thrown value is the commands' error shape `{code, message, details}`. */
export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: { zh?: unknown } }).message?.zh === 'string'
  )
}

/** Calls a command; anything that is not the error shape becomes an `internal` CommandError. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (e) {
    if (isCommandError(e)) throw e
    const text = String(e)
    const error: CommandError = { code: 'internal', message: { zh: text, en: text }, details: null }
    throw error
  }
}

/** Runs a catalog operation by name with its request; resolves to its response. */
export function op<K extends OperationName>(
  name: K,
  request: Operations[K]['request'],
): Promise<Operations[K]['response']> {
  return call<Operations[K]['response']>('operation', { name, request })
}

export const appStatus = () => op('app_status', null)
export const schoolDemoCreate = () => op('school_demo_create', null)
export const schoolSetup = (input: SchoolSetupInput) => op('school_setup', input)
// Signing in and out keeps the session in the keychain: desktop commands over the catalog's
// session_open / session_user / session_close.
export const sessionSignIn = (input: SignInInput) => call<SignInOutcome>('session_sign_in', { input })
export const sessionResume = () => call<SessionUser | null>('session_resume')
export const sessionSignOut = () => call<null>('session_sign_out')
// A graduate's first sign-in (account_activate) and a password change (account_change_password)
// open a new session, which the desktop keeps (the token never reaches the UI).
export const sessionActivate = (input: ActivateInput) => call<SignInOutcome>('session_activate', { input })
export const sessionChangePassword = (input: ChangePasswordRequest) =>
  call<SignInOutcome>('session_change_password', { input })
