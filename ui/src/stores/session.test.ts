import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as platform from '@/platform'
import { useSessionStore } from './session'

vi.mock('@/platform', () => ({
  sessionSignIn: vi.fn(),
  sessionResume: vi.fn(),
  sessionSignOut: vi.fn(),
}))

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.resetAllMocks()
  })

  it('signs in with a trimmed username and keeps what the keychain did', async () => {
    vi.mocked(platform.sessionSignIn).mockResolvedValue({
      user: { displayName: '张三', role: 'graduate' },
      remembered: 'keychain_unavailable',
    })
    const session = useSessionStore()
    await session.signIn('  2022001 ', 'pw', true)
    expect(platform.sessionSignIn).toHaveBeenCalledWith({ username: '2022001', password: 'pw', remember: true })
    expect(session.signedIn).toBe(true)
    expect(session.remembered).toBe('keychain_unavailable')
  })

  it('stays signed out when sign-in fails', async () => {
    vi.mocked(platform.sessionSignIn).mockRejectedValue({ code: 'wrong_credentials', message: { zh: '错', en: 'x' }, details: null })
    const session = useSessionStore()
    await expect(session.signIn('a', 'b', false)).rejects.toMatchObject({ code: 'wrong_credentials' })
    expect(session.signedIn).toBe(false)
  })

  it('resumes a remembered session and signs out', async () => {
    vi.mocked(platform.sessionResume).mockResolvedValue({ displayName: 'Li', role: 'school_admin' })
    vi.mocked(platform.sessionSignOut).mockResolvedValue(null)
    const session = useSessionStore()
    expect(await session.resume()).toBe(true)
    await session.signOut()
    expect(platform.sessionSignOut).toHaveBeenCalled()
    expect(session.user).toBeNull()
  })
})
