import { describe, expect, it } from 'vitest'
import en from './en'
import { LOCALE_KEY, savedLocale, saveLocale } from './index'
import zhCN from './zh-CN'

function texts(o: object): string[] {
  return Object.values(o).flatMap((v) =>
    typeof v === 'string' ? [v] : typeof v === 'object' && v !== null ? texts(v) : [],
  )
}

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

describe('language', () => {
  it('is Chinese unless English was chosen, and remembers the choice', () => {
    const store = new Map<string, string>()
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }
    expect(savedLocale(storage)).toBe('zh-CN')
    saveLocale('en', storage)
    expect(store.get(LOCALE_KEY)).toBe('en')
    expect(savedLocale(storage)).toBe('en')
  })

  it('has every Chinese text in English too', () => {
    expect(keys(en)).toEqual(keys(zhCN))
  })

  it('shows no rule ids: they belong in the code and its tests, not on screen', () => {
    for (const text of [...texts(zhCN), ...texts(en)]) {
      expect(text).not.toMatch(/R-[A-Z]+-\d/)
    }
  })

  it('says what R-SIGN-03 says: the lock lasts after approval too', async () => {
    const { createAppI18n } = await import('./index')
    const { t } = createAppI18n('zh-CN').global
    const text = t('graduate.item.acceptConfirm', { employer: '甲公司' })
    expect(text).toContain('审核通过后也是如此')
    expect(text).not.toContain('审核结束或解约之前')
  })

  it('names the verify screen 协议书验证 on the sign-in page and in the guide', async () => {
    const { createAppI18n } = await import('./index')
    const { t, tm, rt } = createAppI18n('zh-CN').global
    expect(t('graduate.verify.heading')).toBe('协议书验证')
    const guide = (tm('graduate.guide.sections') as { body: unknown }[]).map((s) => rt(s.body as never)).join('')
    expect(guide).toContain('协议书验证')
  })
})
