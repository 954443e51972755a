import { describe, expect, it, vi } from 'vitest'
import { asCommandError, errorMessage } from './errors'

vi.mock('@/platform', async () => {
  const actual = await vi.importActual<typeof import('@/platform')>('@/platform')
  return { isCommandError: actual.isCommandError }
})

const wrong = { code: 'wrong_credentials', message: { zh: '用户名或密码错误', en: 'Wrong password' }, details: null }

describe('error messages', () => {
  it('are shown in the chosen language', () => {
    expect(errorMessage(wrong, 'zh-CN')).toBe('用户名或密码错误')
    expect(errorMessage(wrong, 'en')).toBe('Wrong password')
  })

  it('treat anything that is not the error shape as internal', () => {
    expect(asCommandError(new Error('boom'))).toMatchObject({ code: 'internal', message: { en: 'Error: boom' } })
    expect(asCommandError({ code: 'x', message: 'plain string' }).code).toBe('internal')
  })
})
