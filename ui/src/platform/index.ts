// The only module that talks to Tauri. Catalog operations (crates/api) go through `op`, typed by
// the generated operation map (src/bindings/Operations.ts): a wrong name or request is a type
// error. The desktop's own commands (dialogs, keychain, updater) go through `call`.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type { OperationName, Operations } from '@/bindings/Operations'
import type { ActivateInput } from '@/bindings/ActivateInput'
import type { ChangePasswordRequest } from '@/bindings/ChangePasswordRequest'
import type { CommandError } from '@/bindings/CommandError'
import type { MessageState } from '@/bindings/MessageState'
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

/** Whether an error says the school's server was not reached (so trying again may succeed). */
export function isConnectionLost(e: unknown): boolean {
  if (!isCommandError(e) || e.code !== 'unavailable') return false
  const context = (e.details as { context?: unknown } | null)?.context
  return context === 'connection' || context === 'overloaded'
}

/** What `op` tells about the connection and how it waits to try again (the connection store). */
export interface ConnectionWatch {
  markLost(): void
  markOk(): void
  pause(ms: number): Promise<void>
}

let connection: ConnectionWatch | null = null
/** Lets `op` tell the banner and wait for the connection (set once by the app). */
export function watchConnection(watch: ConnectionWatch) {
  connection = watch
}

/** Listeners of a session that ended under the window (expired, or ended on another device). */
const sessionEndedListeners: ((e: CommandError) => void)[] = []
export function onSessionEnded(listener: (e: CommandError) => void) {
  sessionEndedListeners.push(listener)
}
export function sessionEnded(e: CommandError) {
  for (const l of sessionEndedListeners) l(e)
}

const RETRY_FIRST_MS = 1_000
const RETRY_LONGEST_MS = 30_000

/**
 * Runs a catalog operation by name with its request; resolves to its response. Each call has
 * its own idempotency key: when the school's server cannot be reached the call waits (the banner
 * says so) and is sent again with the same key until the server answers, so the form that sent
 * it stays filled and the submission is applied once (R-IDEM-01). An ended session is told to
 * `onSessionEnded`'s listeners (the sign-in screen, then back).
 */
export async function op<K extends OperationName>(
  name: K,
  request: Operations[K]['request'],
): Promise<Operations[K]['response']> {
  const key = newKey()
  let wait = RETRY_FIRST_MS
  for (;;) {
    try {
      const answer = await call<Operations[K]['response']>('operation', { name, request, key })
      connection?.markOk()
      return answer
    } catch (e) {
      if (isConnectionLost(e) && connection) {
        connection.markLost()
        await connection.pause(wait)
        wait = Math.min(wait * 2, RETRY_LONGEST_MS)
        continue
      }
      if (isCommandError(e) && e.code === 'unauthenticated') sessionEnded(e)
      throw e
    }
  }
}

/** 128 random bits in hex: one submission's idempotency key. */
function newKey(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
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

/** A file's bytes as it streams to the school's server. */
export interface UploadProgress {
  name: string
  sent: number
  total: number
}

/**
 * What the desktop tells the window on its own: a file's upload progress, where the signed-in
 * account's messages stand (R-NOTE-01, the badge), the school's server lost or back (the
 * banner), and the session ended under the window.
 */
export interface DesktopEvents {
  'upload-progress': UploadProgress
  'messages-changed': MessageState
  'school-connection': { state: 'lost' | 'ok' }
  'session-ended': CommandError
}

export function onDesktopEvent<K extends keyof DesktopEvents>(
  name: K,
  handler: (payload: DesktopEvents[K]) => void,
): Promise<UnlistenFn> {
  return listen<DesktopEvents[K]>(name, (e) => handler(e.payload))
}
