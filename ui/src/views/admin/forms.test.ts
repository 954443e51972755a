import { describe, expect, it } from 'vitest'
import type { GraduateRow } from '@/bindings/GraduateRow'
import {
  checkStaffForm,
  cohortFormOf,
  cohortInputOf,
  exportFileName,
  fixFormOf,
  fixInputOf,
  fixIsEmpty,
  formatBytes,
  maskId,
  percent,
  staffInputOf,
  toBase64,
} from './forms'

const g: GraduateRow = {
  id: 7,
  cohort: 2026,
  studentNumber: '2026000001',
  name: '张三',
  gender: '男',
  idNumber: '11010120030101001X',
  educationLevel: '本科',
  major: '软件工程',
  departmentId: 1,
  department: '计算机学院',
  trainingMode: '非定向',
  directedUnit: '',
  origin: '北京',
  phone: '13800000001',
  email: 'a@example.edu.cn',
  confirmed: true,
  version: 3,
}

describe('the fix form', () => {
  it('sends only the changed fields, trimmed, and nothing for an untouched form', () => {
    const form = fixFormOf(g)
    expect(fixIsEmpty(fixInputOf(g, form))).toBe(true)
    form.trainingMode = '定向'
    form.directedUnit = '  某定向单位 '
    form.phone = '13800000001 ' // the same after trimming: not a change
    form.departmentId = 2
    const fix = fixInputOf(g, form)
    expect(fix.trainingMode).toBe('定向')
    expect(fix.directedUnit).toBe('某定向单位')
    expect(fix.phone).toBeNull()
    expect(fix.departmentId).toBe(2)
    expect(fix.name).toBeNull()
    expect(fixIsEmpty(fix)).toBe(false)
  })
})

describe('the cohort form', () => {
  it('defaults to both levels, 15 days and the 31 August deadline (null)', () => {
    const f = cohortFormOf(null, 2027)
    expect(f).toMatchObject({ year: 2027, chain: 'both', inviteLimitDays: 15, changesUntil: null })
    expect(cohortInputOf(f)).toEqual({ year: 2027, chain: 'both', inviteLimitDays: 15, changesUntil: null, agreementTitle: null })
  })

  it('keeps a chosen deadline in seconds and a title, a blank title meaning the national one', () => {
    const f = cohortFormOf(
      { year: 2026, moduleOpen: true, chain: 'school', inviteLimitDays: 10, changesUntil: 1_788_191_999, agreementTitle: '就业协议书' },
      2030,
    )
    expect(f.chain).toBe('school')
    expect(cohortInputOf(f).changesUntil).toBe(1_788_191_999)
    f.agreementTitle = '   '
    expect(cohortInputOf(f).agreementTitle).toBeNull()
  })
})

describe('the staff account form', () => {
  it('needs a department for a department reviewer and a password with letters and digits', () => {
    const f = { login: ' rev1 ', displayName: '王老师', password: 'short', role: 'department_reviewer' as const, departmentId: null }
    expect(checkStaffForm(f)).toEqual({ password: 'password', departmentId: 'required' })
    const ok = { ...f, password: 'reviewer2026', departmentId: 3 }
    expect(checkStaffForm(ok)).toEqual({})
    expect(staffInputOf(ok)).toEqual({ login: 'rev1', displayName: '王老师', password: 'reviewer2026', role: 'department_reviewer', departmentId: 3 })
    // A school-level account carries no department even if one was picked before.
    expect(staffInputOf({ ...ok, role: 'school_reviewer' }).departmentId).toBeNull()
    expect(checkStaffForm({ ...ok, login: ' ', password: '12345678' })).toEqual({ login: 'required', password: 'password' })
  })
})

describe('helpers', () => {
  it('encodes bytes as base64 across chunk boundaries', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251)
    const decoded = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0))
    expect(decoded).toEqual(bytes)
    expect(toBase64(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('/9j/4A==')
  })

  it('formats sizes, rates, file names and masks ID numbers', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2048)).toBe('2.0 KB')
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB')
    expect(percent(0.1667)).toBe('16.7%')
    expect(exportFileName('毕业去向统计', 2026)).toBe('毕业去向统计-2026.xlsx')
    expect(maskId('11010120030101001X')).toBe('110101********001X')
    expect(maskId('123')).toBe('***')
  })
})
