import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const calls: { command: string; args: unknown }[] = []
const answers: Record<string, unknown> = {}

vi.mock('@tauri-apps/api/core', () => ({
  // Catalog operations arrive as `operation {name, request}`: recorded by the operation's name.
  invoke: vi.fn(async (invoked: string, invokedArgs: unknown) => {
    const viaCatalog = invoked === 'operation'
    const op = invokedArgs as { name: string; request: unknown }
    const command = viaCatalog ? op.name : invoked
    const args = viaCatalog ? op.request : invokedArgs
    calls.push({ command, args })
    if (command in answers) return answers[command]
    throw { code: 'internal', message: { zh: '未模拟', en: 'not mocked' }, details: null }
  }),
}))

const { useGraduateStore } = await import('./graduate')

const portal = (graduateId: number, readOnly: boolean) => ({
  graduate: { id: graduateId, directed: false, confirmedAt: 1 },
  cohorts: [
    { cohort: 2026, graduateId: 10, current: true },
    { cohort: 2025, graduateId: 3, current: false },
  ],
  readOnly,
})

describe('graduate store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    for (const k of Object.keys(answers)) delete answers[k]
    answers.graduate_reference = { destinations: { types: [] }, lists: {} }
  })

  it('counts unread messages and marks one read', async () => {
    answers.messages_list = [
      { id: 2, read: false },
      { id: 1, read: true },
      { id: 3, read: false },
    ]
    answers.messages_mark_read = null
    const store = useGraduateStore()
    await store.refreshMessages()
    expect(store.unread).toBe(2)
    await store.markRead(3)
    expect(store.unread).toBe(1)
    expect(calls.at(-1)).toEqual({ command: 'messages_mark_read', args: { id: 3 } })
  })

  it('switches to an earlier cohort read-only and back to the own record (R-MOD-02)', async () => {
    const store = useGraduateStore()
    answers.graduate_portal = portal(10, false)
    await store.load()
    expect(calls.find((c) => c.command === 'graduate_portal')?.args).toEqual({ graduateId: null })
    answers.graduate_portal = portal(3, true)
    await store.switchCohort(3)
    expect(calls.at(-1)).toEqual({ command: 'graduate_portal', args: { graduateId: 3 } })
    expect(store.readOnly).toBe(true)
    answers.graduate_portal = portal(10, false)
    await store.switchCohort(10)
    expect(calls.at(-1)).toEqual({ command: 'graduate_portal', args: { graduateId: null } })
    expect(store.readOnly).toBe(false)
    // The reference tables are asked for once.
    expect(calls.filter((c) => c.command === 'graduate_reference')).toHaveLength(1)
  })
})
