import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const calls: { command: string; args: Record<string, unknown> }[] = []
const answers: Record<string, unknown[]> = {}

vi.mock('@tauri-apps/api/core', () => ({
  // Catalog operations arrive as `operation {name, request}`: recorded by the operation's name.
  invoke: vi.fn(async (invoked: string, invokedArgs: Record<string, unknown>) => {
    const viaCatalog = invoked === 'operation'
    const op = invokedArgs as { name: string; request: Record<string, unknown> }
    const command = viaCatalog ? op.name : invoked
    const args = viaCatalog ? op.request : invokedArgs
    calls.push({ command, args })
    const next = answers[command]?.shift()
    if (next instanceof Error) throw JSON.parse(next.message)
    if (next === undefined) throw { code: 'internal', message: { zh: '未模拟', en: 'not mocked' }, details: null }
    return next
  }),
}))

const { useAdminImportStore, problemsOf } = await import('./adminImport')

const preview = (problems: unknown[] = []) => ({
  header: ['学号', '姓名'],
  rows: 3,
  sample: [['2026001', '张三']],
  problems,
})

const refusal = (rows: unknown[]) =>
  new Error(JSON.stringify({ code: 'validation', message: { zh: '1行有错误，未导入任何数据', en: '1 row is wrong' }, details: { rows } }))

describe('admin import store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    for (const k of Object.keys(answers)) delete answers[k]
  })

  it('checks the chosen file first and imports only a clean one', async () => {
    answers.admin_import_check = [preview()]
    answers.admin_import = [{ created: 3, updated: 0, unchanged: 0 }]
    const store = useAdminImportStore()
    store.cohort = 2026
    await store.choose('毕业生.xlsx', new Uint8Array([80, 75, 3, 4]))
    expect(calls[0]).toEqual({
      command: 'admin_import_check',
      args: { cohort: 2026, fileName: '毕业生.xlsx', dataBase64: 'UEsDBA==' },
    })
    expect(store.step).toBe('checked')
    expect(store.canImport).toBe(true)
    await store.run()
    expect(calls[1]?.command).toBe('admin_import')
    expect(store.outcome?.created).toBe(3)
    expect(store.step).toBe('done')
    expect(store.percent).toBe(100)
  })

  it('lists the bad rows and never calls the import for a file with problems', async () => {
    answers.admin_import_check = [preview([{ line: 3, field: '身份证号', reasonZh: '校验码错误', reasonEn: 'bad check digit' }])]
    const store = useAdminImportStore()
    store.cohort = 2026
    await store.choose('bad.csv', new Uint8Array([1, 2, 3]))
    expect(store.problems.map((p) => p.line)).toEqual([3])
    expect(store.canImport).toBe(false)
    await store.run()
    expect(calls.map((c) => c.command)).toEqual(['admin_import_check'])
  })

  it('shows every row of a refused import (details.rows, snake_case from the engine)', async () => {
    answers.admin_import_check = [preview()]
    answers.admin_import = [refusal([{ line: 5, field: '学号', reason_zh: '与第2行重复', reason_en: 'duplicate of line 2' }])]
    const store = useAdminImportStore()
    store.cohort = 2026
    await store.choose('a.xlsx', new Uint8Array([1]))
    await store.run()
    expect(store.outcome).toBeNull()
    expect(store.error?.code).toBe('validation')
    expect(store.problems).toEqual([{ line: 5, field: '学号', reasonZh: '与第2行重复', reasonEn: 'duplicate of line 2' }])
    expect(store.step).toBe('checked')
    expect(store.canImport).toBe(false)
  })

  it('reads nothing from an error without rows', () => {
    expect(problemsOf({ code: 'internal', message: { zh: '', en: '' }, details: null })).toEqual([])
  })
})
