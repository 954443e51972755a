import type { CommandError } from '@/bindings/CommandError'
import { isCommandError } from '@/platform'

/** The error as a CommandError, whatever was thrown. */
export function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e
  const text = String(e)
  return { code: 'internal', message: { zh: text, en: text }, details: null }
}

/** The message to show for an error, in the chosen language. */
export function errorMessage(e: unknown, locale: string): string {
  const { message } = asCommandError(e)
  return locale === 'en' ? message.en : message.zh
}
