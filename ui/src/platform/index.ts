// The only module that talks to Tauri. Every command has one typed function here, taking and
// returning the types generated from Rust (src/bindings, see src-tauri/bindings.rs).
import { invoke } from '@tauri-apps/api/core'
import type { AppStatus } from '@/bindings/AppStatus'
import type { CommandError } from '@/bindings/CommandError'
import type { DemoAccountView } from '@/bindings/DemoAccountView'
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

export const appStatus = () => call<AppStatus>('app_status')
export const schoolDemoCreate = () => call<DemoAccountView[]>('school_demo_create')
export const schoolSetup = (input: SchoolSetupInput) => call<null>('school_setup', { input })
export const sessionSignIn = (input: SignInInput) => call<SignInOutcome>('session_sign_in', { input })
export const sessionResume = () => call<SessionUser | null>('session_resume')
export const sessionSignOut = () => call<null>('session_sign_out')
