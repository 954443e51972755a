import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const calls: { command: string; args: Record<string, unknown> }[] = []
const pages: unknown[] = []

vi.mock('@tauri-apps/api/core', () => ({
  // Catalog operations arrive as `operation {name, request}`: recorded by the operation's name.
  invoke: vi.fn(async (invoked: string, invokedArgs: Record<string, unknown>) => {
    const viaCatalog = invoked === 'operation'
    const op = invokedArgs as { name: string; request: Record<string, unknown> }
    const command = viaCatalog ? op.name : invoked
    const args = viaCatalog ? op.request : invokedArgs
    calls.push({ command, args })
    if (command === 'review_queue') return pages.shift()
    if (command === 'workspace_reference') return { departments: [], reasonTemplates: ['材料未盖章'] }
    throw { code: 'internal', message: { zh: '未模拟', en: 'not mocked' }, details: null }
  }),
}))

const { useReviewerQueueStore } = await import('./reviewerQueue')

const row = (id: number) => ({ id, submittedAt: 1000 + id, version: 0, graduateName: `g${id}` })

describe('reviewer queue store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    pages.length = 0
  })

  it('pages with the cursor the engine returned, never an offset', async () => {
    pages.push({ rows: [row(1), row(2)], next: { submittedAt: 1002, id: 2 } })
    pages.push({ rows: [row(3)], next: null })
    pages.push({ rows: [row(1), row(2)], next: { submittedAt: 1002, id: 2 } })
    const store = useReviewerQueueStore()
    await store.firstPage()
    expect(store.rows.map((r) => r.id)).toEqual([1, 2])
    await store.nextPage()
    expect(store.rows.map((r) => r.id)).toEqual([3])
    expect(store.starts.length).toBe(2)
    expect(store.next).toBeNull()
    await store.nextPage() // nothing after the last page: no call
    expect(calls.length).toBe(2)
    const filters = calls.map((c) => c.args)
    expect(filters[0]?.after).toBeNull()
    expect(filters[1]?.after).toEqual({ submittedAt: 1002, id: 2 })
    expect(Object.keys(filters[1] ?? {})).not.toContain('offset')
    await store.firstPage()
    expect(store.starts).toEqual([null])
  })

  it('switches kind, clears the state filter and loads the reference once', async () => {
    pages.push({ rows: [], next: null })
    const store = useReviewerQueueStore()
    store.filter.state = 'signed'
    store.filter.awaitingMe = false
    await store.switchKind('paper')
    expect(store.kind).toBe('paper')
    const filter = calls[0]?.args ?? {}
    expect(filter.kind).toBe('paper')
    expect(filter.state).toBeNull()
    await store.loadReference()
    await store.loadReference()
    expect(calls.filter((c) => c.command === 'workspace_reference').length).toBe(1)
    expect(store.reference?.reasonTemplates).toEqual(['材料未盖章'])
  })
})
