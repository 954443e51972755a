import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { QueueCursor } from '@/bindings/QueueCursor'
import type { QueueRowView } from '@/bindings/QueueRowView'
import type { WorkspaceReference } from '@/bindings/WorkspaceReference'
import * as platform from '@/platform/reviewer'
import { emptyFilter, toQueueFilter, type FilterForm, type KindName } from '@/views/reviewer/queue'

/**
 * The reviewer's queue: the kind's tab, the filter, and keyset paging. The cursors of the pages
 * seen so far are kept, so "next" asks for the page after the last row (never an offset).
 */
export const useReviewerQueueStore = defineStore('reviewerQueue', () => {
  const kind = ref<KindName>('signing')
  const filter = ref<FilterForm>(emptyFilter())
  const rows = ref<QueueRowView[]>([])
  const next = ref<QueueCursor | null>(null)
  /** The cursor each page seen so far started after (null: the first page). */
  const starts = ref<(QueueCursor | null)[]>([null])
  const loading = ref(false)
  const reference = ref<WorkspaceReference | null>(null)
  const pageSize = ref(50)

  async function loadReference() {
    reference.value ??= await platform.reference()
    return reference.value
  }

  async function load(after: QueueCursor | null) {
    loading.value = true
    try {
      const page = await platform.queue(toQueueFilter(kind.value, filter.value, after, pageSize.value))
      rows.value = page.rows
      next.value = page.next
    } finally {
      loading.value = false
    }
  }

  /** The first page of the current kind and filter. */
  async function firstPage() {
    starts.value = [null]
    await load(null)
  }

  async function nextPage() {
    if (!next.value) return
    const after = next.value
    await load(after)
    starts.value.push(after)
  }

  async function switchKind(k: KindName) {
    kind.value = k
    filter.value.state = ''
    await firstPage()
  }

  function resetFilter() {
    filter.value = emptyFilter()
  }

  /** Reloads the page being looked at (after decisions). */
  async function reload() {
    await load(starts.value[starts.value.length - 1] ?? null)
  }

  return {
    kind,
    filter,
    rows,
    next,
    starts,
    loading,
    reference,
    pageSize,
    loadReference,
    firstPage,
    nextPage,
    switchKind,
    resetFilter,
    reload,
  }
})
