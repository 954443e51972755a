import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { invoke } from '@tauri-apps/api/core'
import { onSessionEnded, op, watchConnection } from '@/platform'
import { useConnectionStore } from '@/stores/connection'

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }))
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }))

const lostConnection = {
  code: 'unavailable',
  message: { zh: '无法连接学校服务器', en: 'The school server cannot be reached' },
  details: { context: 'connection' },
}

describe('op: a submission while the school server is away', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })

  it('waits with the banner up, then sends the same submission again with the same key', async () => {
    const connection = useConnectionStore()
    watchConnection(connection)
    vi.mocked(invoke)
      .mockRejectedValueOnce(lostConnection)
      .mockRejectedValueOnce(lostConnection)
      .mockResolvedValueOnce({ id: 7 })
    const answer = op('messages_state', null)
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(1))
    await vi.waitFor(() => expect(connection.lost).toBe(true))
    // The banner's "try now" ends the pause at once, both times.
    connection.retryNow()
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(2))
    connection.retryNow()
    await expect(answer).resolves.toEqual({ id: 7 })
    expect(connection.lost).toBe(false)
    const keys = vi.mocked(invoke).mock.calls.map((c) => (c[1] as { key: string }).key)
    expect(keys).toHaveLength(3)
    expect(new Set(keys).size).toBe(1)
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
  })

  it('gives each submission a key of its own', async () => {
    watchConnection(useConnectionStore())
    vi.mocked(invoke).mockResolvedValue(null)
    await op('messages_state', null)
    await op('messages_state', null)
    const keys = vi.mocked(invoke).mock.calls.map((c) => (c[1] as { key: string }).key)
    expect(keys[0]).not.toBe(keys[1])
  })

  it('does not retry a refusal, and tells an ended session to its listeners', async () => {
    watchConnection(useConnectionStore())
    const ended = vi.fn()
    onSessionEnded(ended)
    const expired = { code: 'unauthenticated', message: { zh: '会话已过期', en: 'Session expired' }, details: null }
    vi.mocked(invoke).mockRejectedValueOnce(expired)
    await expect(op('messages_state', null)).rejects.toMatchObject({ code: 'unauthenticated' })
    expect(invoke).toHaveBeenCalledTimes(1)
    expect(ended).toHaveBeenCalledWith(expired)
    const other = { code: 'unavailable', message: { zh: '模块未开放', en: 'closed' }, details: { context: 'module' } }
    vi.mocked(invoke).mockRejectedValueOnce(other)
    await expect(op('messages_state', null)).rejects.toMatchObject({ code: 'unavailable' })
    expect(invoke).toHaveBeenCalledTimes(2)
  })
})
