import { ElNotification } from 'element-plus'
import { onMounted } from 'vue'
import { useI18n } from 'vue-i18n'
import { aboutInfo, updateCheck } from '@/platform/about'

/**
 * At start-up, when the setting allows, asks for a newer version and says so in a notification.
 * Silent when offline or the server does not answer: the About dialog shows those errors.
 */
export function useStartupUpdateCheck() {
  const { t } = useI18n()
  onMounted(async () => {
    try {
      const info = await aboutInfo()
      if (!info.settings.checkUpdatesAtStartup) return
      const found = await updateCheck()
      if (found) {
        ElNotification({ type: 'info', position: 'bottom-right', message: t('about.startupFound', { version: found.version }), duration: 0 })
      }
    } catch {
      // No network or no update server: nothing to tell at start-up.
    }
  })
}
