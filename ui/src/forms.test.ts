import { describe, expect, it } from 'vitest'
import { checkSchoolSetup, toSchoolSetupInput } from './forms'

const good = {
  name: ' 示范大学 ',
  code: '10001',
  contact: '就业指导中心 010-12345678',
  departments: '计算机学院\n\n  外国语学院 \n',
  adminName: '王老师',
  adminLogin: 'admin',
  adminPassword: 'correct horse',
}

describe('school set-up form', () => {
  it('accepts a complete form and builds the command input', () => {
    expect(checkSchoolSetup(good)).toEqual({})
    expect(toSchoolSetupInput(good)).toEqual({
      name: '示范大学',
      code: '10001',
      contact: '就业指导中心 010-12345678',
      departments: ['计算机学院', '外国语学院'],
      adminName: '王老师',
      adminLogin: 'admin',
      adminPassword: 'correct horse',
    })
  })

  it('names each missing field and a malformed school code', () => {
    expect(checkSchoolSetup({ ...good, name: '  ', code: '1234' })).toEqual({
      name: 'required',
      code: 'codeFormat',
    })
    expect(checkSchoolSetup({ ...good, adminPassword: '' })).toEqual({ adminPassword: 'required' })
  })
})
