import { computed, ref } from 'vue'
import type { MessageView } from '@/bindings/MessageView'
import * as api from '@/platform/graduate'

/**
 * An account's in-app messages (R-NOTE-01), as the graduate's and the employer's stores keep
 * them: newest first by their time (R-NOTE-06, the engine's order), the unread count for the
 * badge, and marking one read.
 */
export function messageList() {
  const messages = ref<MessageView[]>([])
  const unread = computed(() => messages.value.filter((m) => !m.read).length)

  async function refresh() {
    messages.value = await api.messages()
  }

  async function markRead(id: number) {
    await api.markMessageRead(id)
    const m = messages.value.find((x) => x.id === id)
    if (m) m.read = true
  }

  return { messages, unread, refresh, markRead }
}
