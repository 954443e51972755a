import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const calls: string[] = []
const answers: Record<string, unknown> = {}

vi.mock('@tauri-apps/api/core', () => ({
  // Catalog operations arrive as `operation {name, request}`: recorded by the operation's name.
  invoke: vi.fn(async (invoked: string, invokedArgs: unknown) => {
    const command = invoked === 'operation' ? (invokedArgs as { name: string }).name : invoked
    calls.push(command)
    if (command in answers) return answers[command]
    throw { code: 'forbidden', message: { zh: '无权操作', en: 'Not allowed' }, details: null }
  }),
}))

const { useEmployerStore } = await import('./employer')

describe('employer store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    for (const k of Object.keys(answers)) delete answers[k]
  })

  it('knows whether the school approved the sign-up', async () => {
    const store = useEmployerStore()
    expect(store.approved).toBe(false)
    answers.employer_profile = { id: 1, approved: false, staff: [] }
    await store.loadProfile()
    expect(store.approved).toBe(false)
    answers.employer_profile = { id: 1, approved: true, staff: [] }
    await store.loadProfile()
    expect(store.approved).toBe(true)
  })

  it('lists agreements apart from termination requests and loads the reference once', async () => {
    answers.employer_items = [
      { id: 3, kind: 'termination', parentId: 1 },
      { id: 2, kind: 'signing' },
      { id: 1, kind: 'signing' },
    ]
    answers.workspace_reference = { invitationDaysDefault: 5, invitationDaysMax: 15 }
    const store = useEmployerStore()
    await store.loadItems()
    expect(store.agreements.map((i) => i.id)).toEqual([2, 1])
    await store.loadReference()
    await store.loadReference()
    expect(calls.filter((c) => c === 'workspace_reference').length).toBe(1)
    expect(store.reference?.invitationDaysMax).toBe(15)
  })

  it('passes the engine refusal through unchanged', async () => {
    const store = useEmployerStore()
    await expect(store.loadItems()).rejects.toMatchObject({ code: 'forbidden' })
    expect(store.items).toEqual([])
  })
})
