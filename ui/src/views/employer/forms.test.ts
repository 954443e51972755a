import { describe, expect, it } from 'vitest'
import { checkInvite, checkSignUp, emptyDetails, emptyInvite, snake, toBase64, toInviteForm, trimDetails } from './forms'

function filledInvite() {
  const f = emptyInvite()
  f.name = ' 张三 '
  f.idNumber = '11010120030101001x'
  f.studentNumber = '2026000001'
  Object.assign(f.terms, {
    position: '软件工程师',
    workLocation: '北京',
    salary: '月薪1万元',
    agreementTerm: '3年',
    archiveHandling: '单位接收',
    archiveReceivingUnit: '北京人才服务中心',
    archiveAddress: '北京市海淀区',
    archivePostcode: '100000',
  })
  return f
}

describe('employer forms', () => {
  it('names the engine field of a form key', () => {
    expect(snake('archivePostcode')).toBe('archive_postcode')
    expect(snake('creditCode')).toBe('credit_code')
  })

  it('accepts a complete invitation and sends only the chosen lookup, trimmed', () => {
    const f = filledInvite()
    expect(checkInvite(f, 15)).toEqual({})
    const input = toInviteForm(f)
    expect(input.graduate).toEqual({ by: 'id_number', name: '张三', idNumber: '11010120030101001X', studentNumber: '' })
    expect(input.deadlineDays).toBe(5)
    f.by = 'student_number'
    expect(toInviteForm(f).graduate).toEqual({ by: 'student_number', name: '张三', idNumber: '', studentNumber: '2026000001' })
  })

  it('flags missing terms, the archive fields, the postcode and the deadline', () => {
    const f = filledInvite()
    f.terms.salary = ' '
    f.terms.archiveReceivingUnit = ''
    f.terms.archivePostcode = '12'
    f.deadlineDays = 16
    expect(checkInvite(f, 15)).toEqual({
      'terms.salary': 'required',
      'terms.archiveReceivingUnit': 'required',
      'terms.archivePostcode': 'postcode',
      deadlineDays: 'deadline',
    })
    // Back to the place of origin: no receiving unit, address or postcode needed.
    f.terms.archiveHandling = '回生源地'
    f.terms.archivePostcode = ''
    f.terms.archiveAddress = ''
    f.terms.salary = '面议'
    f.deadlineDays = 1
    expect(checkInvite(f, 15)).toEqual({})
    const empty = emptyInvite()
    expect(Object.keys(checkInvite(empty, 15))).toContain('idNumber')
    expect(Object.keys(checkInvite(empty, 15))).not.toContain('studentNumber')
  })

  it('asks for every sign-up field and the licence', () => {
    const problems = checkSignUp(emptyDetails(), { login: '', password: 'x', displayName: '' }, false)
    expect(problems.creditCode).toBe('required')
    expect(problems.login).toBe('required')
    expect(problems.password).toBeUndefined()
    expect(problems.licence).toBe('required')
    const d = { ...emptyDetails(), creditCode: ' 91350100m000100y43 ', name: ' 甲公司 ' }
    expect(trimDetails(d).creditCode).toBe('91350100M000100Y43')
    expect(trimDetails(d).name).toBe('甲公司')
  })

  it('encodes bytes as base64, also past one chunk', () => {
    expect(toBase64(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('/9j/4A==')
    const big = new Uint8Array(70000).fill(65)
    expect(atob(toBase64(big)).length).toBe(70000)
  })
})
