import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as platform from '@/platform'
import { useSessionStore } from './session'

vi.mock('@/platform', () => ({
  sessionSignIn: vi.fn(),
  sessionResume: vi.fn(),
  sessionSignOut: vi.fn(),
  sessionActivate: vi.fn(),
  sessionChangePassword: vi.fn(),
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

  it('activates with a trimmed student number and an upper-case X, and is then signed in', async () => {
    vi.mocked(platform.sessionActivate).mockResolvedValue({ user: { displayName: '李明', role: 'graduate' }, remembered: 'no' })
    const session = useSessionStore()
    await session.activate(' 2026000001 ', ' 32010220030101001x ', 'Newpass2026', false)
    expect(platform.sessionActivate).toHaveBeenCalledWith({
      studentNumber: '2026000001',
      idNumber: '32010220030101001X',
      password: 'Newpass2026',
      remember: false,
    })
    expect(session.signedIn).toBe(true)
  })

  it('stays signed out when the school has not uploaded the graduate', async () => {
    vi.mocked(platform.sessionActivate).mockRejectedValue({
      code: 'not_imported',
      message: { zh: '请联系学校就业部门', en: 'contact the employment office' },
      details: null,
    })
    const session = useSessionStore()
    await expect(session.activate('2026999999', '110101200001011234', 'Newpass2026', false)).rejects.toMatchObject({
      code: 'not_imported',
    })
    expect(session.signedIn).toBe(false)
  })

  it('changes the password and stays signed in; a wrong current password changes nothing', async () => {
    vi.mocked(platform.sessionSignIn).mockResolvedValue({ user: { displayName: 'Li', role: 'employer' }, remembered: 'yes' })
    const session = useSessionStore()
    await session.signIn('li', 'Oldpass2026', true)
    vi.mocked(platform.sessionChangePassword).mockRejectedValueOnce({ code: 'wrong_credentials', message: { zh: '当前密码错误', en: 'x' }, details: null })
    await expect(session.changePassword('nope', 'Newpass2026')).rejects.toMatchObject({ code: 'wrong_credentials' })
    expect(session.signedIn).toBe(true)
    vi.mocked(platform.sessionChangePassword).mockResolvedValue({ user: { displayName: 'Li', role: 'employer' }, remembered: 'yes' })
    await session.changePassword('Oldpass2026', 'Newpass2026')
    expect(platform.sessionChangePassword).toHaveBeenLastCalledWith({ currentPassword: 'Oldpass2026', newPassword: 'Newpass2026' })
    expect(session.signedIn).toBe(true)
    expect(session.remembered).toBe('yes')
  })
})
