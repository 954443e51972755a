import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PortalView } from '@/bindings/PortalView'
import type { ReferenceData } from '@/bindings/ReferenceData'
import * as api from '@/platform/graduate'
import { messageList } from './messageList'

/** How often the message list is refreshed while the app is open. */
export const MESSAGES_REFRESH_MS = 15_000

/** The graduate's page, the cohort shown (R-MOD-02), the reference tables and the messages. */
export const useGraduateStore = defineStore('graduate', () => {
  const portal = ref<PortalView | null>(null)
  /** The record shown: null for the signed-in cohort, else an earlier cohort's graduate id. */
  const viewing = ref<number | null>(null)
  const reference = ref<ReferenceData | null>(null)
  const inbox = messageList()
  const messages = inbox.messages
  /** Counts the desktop's word that messages came (R-NOTE-01): lists on screen reload on it. */
  const changes = ref(0)
  const unread = inbox.unread
  const readOnly = computed(() => portal.value?.readOnly ?? false)
  const directed = computed(() => portal.value?.graduate.directed ?? false)
  const confirmed = computed(() => portal.value?.graduate.confirmedAt != null)
  let timer: ReturnType<typeof setInterval> | undefined

  async function load() {
    portal.value = await api.portal(viewing.value)
    reference.value ??= await api.reference()
    return portal.value
  }

  /** Shows another cohort's record (null: the signed-in one). */
  async function switchCohort(graduateId: number | null) {
    const own = portal.value?.cohorts.find((c) => c.current)?.graduateId
    viewing.value = graduateId === own ? null : graduateId
    await load()
  }

  async function confirmInfo() {
    await api.confirmInfo()
    await load()
  }

  const refreshMessages = inbox.refresh

  /** New messages came (the desktop said so): the badge, the page and the lists on screen. */
  async function messagesChanged() {
    changes.value += 1
    await refreshMessages()
    if (portal.value) await load()
  }

  const markRead = inbox.markRead

  /** Keeps the message list (and the unread badge) fresh while the graduate screens are open. */
  function startPolling() {
    stopPolling()
    void refreshMessages().catch(() => undefined)
    timer = setInterval(() => void refreshMessages().catch(() => undefined), MESSAGES_REFRESH_MS)
  }

  function stopPolling() {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  function reset() {
    stopPolling()
    portal.value = null
    viewing.value = null
    messages.value = []
  }

  return {
    portal,
    viewing,
    reference,
    messages,
    changes,
    messagesChanged,
    unread,
    readOnly,
    directed,
    confirmed,
    load,
    switchCohort,
    confirmInfo,
    refreshMessages,
    markRead,
    startPolling,
    stopPolling,
    reset,
  }
})
