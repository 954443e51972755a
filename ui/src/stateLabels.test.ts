import { describe, expect, it } from 'vitest'
import { createAppI18n } from '@/i18n'
import { stateLabel } from './stateLabels'

const i18n = createAppI18n('zh-CN')
const { t, te } = i18n.global
const label = (state: string, kind?: string) => stateLabel(t, (k) => te(k), state, kind)

describe("the graduate's state labels", () => {
  it("use the operating guide's words", () => {
    // "若学校（院系）审核不通过，则签约失败"
    expect(label('review_failed', 'signing')).toBe('签约失败')
    expect(label('review_failed', 'termination')).toBe('解约失败')
    expect(label('review_failed', 'offline_termination')).toBe('解约失败')
    expect(label('pending', 'signing')).toBe('等待应约')
    expect(label('returned', 'paper')).toBe('退回修改')
    expect(label('signed', 'signing')).toBe('已签约')
  })

  it('fall back to the general word, then to the state itself', () => {
    expect(label('under_review', 'paper')).toBe('审核中')
    expect(label('under_review')).toBe('审核中')
    expect(label('no_such_state', 'signing')).toBe('no_such_state')
  })

  it('have the same kinds and states in English', () => {
    i18n.global.locale.value = 'en'
    expect(label('review_failed', 'signing')).toBe('Signing failed')
    expect(label('review_failed', 'termination')).toBe('Termination failed')
    i18n.global.locale.value = 'zh-CN'
  })
})
