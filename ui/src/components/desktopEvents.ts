import { ref } from 'vue'
import { useRouter } from 'vue-router'
import {
  onDesktopEvent,
  onSessionEnded,
  sessionEnded,
  sessionSignOut,
  watchConnection,
  type UploadProgress,
} from '@/platform'
import { useConnectionStore } from '@/stores/connection'
import { useEmployerMessagesStore } from '@/stores/employerMessages'
import { useGraduateStore } from '@/stores/graduate'
import { useSessionStore } from '@/stores/session'

/**
 * Wires the desktop's own events to the window (called once by App.vue): the banner of a lost
 * connection, the badge and the graduate's page on a new message, the sign-in screen (and back
 * to where the person was) when the session ended, and the progress of a file's upload.
 */
export function useDesktopEvents() {
  const connection = useConnectionStore()
  const session = useSessionStore()
  const router = useRouter()
  const upload = ref<UploadProgress | null>(null)
  watchConnection(connection)

  onSessionEnded(() => {
    if (!session.signedIn) return
    session.forget()
    useGraduateStore().reset()
    useEmployerMessagesStore().reset()
    // The desktop drops the dead session and the keychain's copy of it.
    void sessionSignOut().catch(() => undefined)
    const here = router.currentRoute.value
    void router.replace({ name: 'sign-in', query: { next: here.fullPath, ended: '1' } })
  })

  void onDesktopEvent('school-connection', (c) => (c.state === 'lost' ? connection.markLost() : connection.markOk()))
  void onDesktopEvent('session-ended', (e) => sessionEnded(e))
  void onDesktopEvent('messages-changed', () => {
    if (session.user?.role === 'graduate') {
      void useGraduateStore()
        .messagesChanged()
        .catch(() => undefined)
    } else if (session.user?.role === 'employer') {
      void useEmployerMessagesStore()
        .refresh()
        .catch(() => undefined)
    }
  })
  let hide: ReturnType<typeof setTimeout> | undefined
  void onDesktopEvent('upload-progress', (p) => {
    upload.value = p
    clearTimeout(hide)
    if (p.sent >= p.total) hide = setTimeout(() => (upload.value = null), 1500)
  })
  return { connection, upload }
}
