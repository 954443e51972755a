// The About dialog's commands: version, licences, settings, updates.
import { Channel } from '@tauri-apps/api/core'
import type { AboutInfo } from '@/bindings/AboutInfo'
import type { AppSettings } from '@/bindings/AppSettings'
import type { UpdateInfo } from '@/bindings/UpdateInfo'
import type { UpdateOutcome } from '@/bindings/UpdateOutcome'
import type { UpdateProgress } from '@/bindings/UpdateProgress'
import { call } from '@/platform'

export const aboutInfo = () => call<AboutInfo>('about_info')
export const aboutOpenLogs = () => call<null>('about_open_logs')
export const settingsSave = (settings: AppSettings) => call<null>('settings_save', { settings })
export const updateCheck = () => call<UpdateInfo | null>('update_check')

/** Downloads and verifies the update found by `updateCheck`, reporting progress. */
export function updateDownload(onProgress: (p: UpdateProgress) => void) {
  const channel = new Channel<UpdateProgress>()
  channel.onmessage = onProgress
  return call<UpdateOutcome>('update_download', { onProgress: channel })
}
